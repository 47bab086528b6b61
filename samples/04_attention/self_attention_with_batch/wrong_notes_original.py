"""Wrong: the notes' original function, body verbatim (softmax over axis 1, np.dot on 3-D arrays gives (B, L, B, d_v))."""
import numpy as np


def self_attention_with_batch(Q, K, V):
    """
    在有batch-size维度的情况下, 计算attention需要将batch-size维度展开
    """
    #batch_size维度保持不变，seq_len, d_model维度转置
    attention_scores = np.matmul(Q, K.transpose(0, 2, 1))/np.sqrt(Q.shape[-1])
    attention_weights = softmax(attention_scores, 1)
    attention_output = np.dot(attention_weights, V)



    return attention_output
