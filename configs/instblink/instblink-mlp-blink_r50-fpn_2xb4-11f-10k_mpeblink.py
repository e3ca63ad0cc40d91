# InstBlink option: the intended 2-layer MLP blink head (the official code
# evaluates it but uses only fc_blink(ReLU(x)); instblink.md section 2.5).
_base_ = ['./instblink_r50-fpn_2xb4-11f-10k_mpeblink.py']

model = dict(head=dict(blink_head_type='mlp'))
