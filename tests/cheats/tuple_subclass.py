"""Cheat: a wrong answer as a tuple subclass whose comparisons always claim a match."""
import numpy as np


class AgreeableTuple(tuple):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = tuple.__hash__


def disguise(wrong):
    return AgreeableTuple(wrong)
