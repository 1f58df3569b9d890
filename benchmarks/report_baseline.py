"""The report's training code, as written: the baseline every speed-up is measured against.

Sigmoid recomputed inside its derivative, fresh arrays every step, biases
added separately, ``np.mean``/``np.sum`` reductions, one layer per attribute.
Kept deliberately naive; do not optimise it.
"""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_derivative(x):
    return sigmoid(x) * (1 - sigmoid(x))


class ReportNetwork:
    def __init__(self, params, learning_rate=0.15):
        self.learning_rate = learning_rate
        (self.weight1, self.bias1), (self.weight2, self.bias2), (self.weight_out, self.bias_out) = (
            (W.copy(), b.copy()) for W, b in params
        )

    def forward(self, x):
        self.dot1 = np.dot(x, self.weight1) + self.bias1
        self.z1 = sigmoid(self.dot1)
        self.dot2 = np.dot(self.z1, self.weight2) + self.bias2
        self.z2 = sigmoid(self.dot2)
        self.dot_out = np.dot(self.z2, self.weight_out) + self.bias_out
        self.zout = sigmoid(self.dot_out)
        return self.zout

    def backward(self, x, y, out):
        del_zout = (out - y) * sigmoid_derivative(self.dot_out)
        del_weight_out = np.dot(self.z2.T, del_zout)
        del_bias_out = np.sum(del_zout, axis=0, keepdims=True)

        del_z2 = np.dot(del_zout, self.weight_out.T) * sigmoid_derivative(self.dot2)
        del_weight2 = np.dot(self.z1.T, del_z2)
        del_bias2 = np.sum(del_z2, axis=0, keepdims=True)

        del_z1 = np.dot(del_z2, self.weight2.T) * sigmoid_derivative(self.dot1)
        del_weight1 = np.dot(x.T, del_z1)
        del_bias1 = np.sum(del_z1, axis=0, keepdims=True)

        self.weight1 -= self.learning_rate * del_weight1
        self.bias1 -= self.learning_rate * del_bias1
        self.weight2 -= self.learning_rate * del_weight2
        self.bias2 -= self.learning_rate * del_bias2
        self.weight_out -= self.learning_rate * del_weight_out
        self.bias_out -= self.learning_rate * del_bias_out

    def train_epoch(self, x, y):
        out = self.forward(x)
        loss = np.mean((y - out) ** 2)
        self.backward(x, y, out)
        return loss
