"""Wrong: halves the learning rate whenever a step raises the loss (and undoes that step), so a too-large α no longer diverges."""
import numpy as np


def linear_regression_gradient_descent(X, y, alpha, iterations):
    X = np.asarray(X, dtype=float)
    theta = np.zeros(X.shape[1])
    loss = mse_loss(X, y, theta)
    for _ in range(iterations):
        new_theta = theta - alpha * mse_gradient(X, y, theta)
        new_loss = mse_loss(X, y, new_theta)
        if new_loss > loss:
            alpha = alpha / 2
            continue
        theta, loss = new_theta, new_loss
    return theta
