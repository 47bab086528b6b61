"""Correct: center the features and the targets, fit the slopes, then the intercept ȳ - x̄·β (the first column of X is all ones)."""
import numpy as np


def normal_equation(X, y):
    """先中心化求斜率，再求截距 / slopes on centred data, then the intercept."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    features = X[:, 1:]
    x_mean, y_mean = features.mean(axis=0), y.mean()
    slopes = np.linalg.lstsq(features - x_mean, y - y_mean, rcond=None)[0]
    return np.concatenate([[y_mean - x_mean @ slopes], slopes])
