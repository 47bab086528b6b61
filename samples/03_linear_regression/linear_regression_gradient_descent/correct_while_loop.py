"""Correct: a while loop that counts the updates, reusing mse_gradient."""
import numpy as np


def linear_regression_gradient_descent(X, y, alpha, iterations):
    """用while循环计数 / a counting while loop."""
    theta = np.zeros(np.shape(X)[1])
    done = 0
    while done < iterations:
        theta = theta - alpha * mse_gradient(X, y, theta)
        done += 1
    return theta
