# Copyright (c) mmvb contributors. All rights reserved.
from torch import Tensor, nn


class DynamicConv(nn.Module):
    """Dynamic instance interaction of Sparse R-CNN (Sun et al., CVPR 2021).

    Each instance feature ``q`` (``in_channels``) generates two matrices,
    ``W_in [in_channels, feat_channels]`` and
    ``W_out [feat_channels, out_channels]`` (one shared linear layer
    ``dynamic_layer``), which filter the instance's RoI feature
    ``[S, in_channels]`` (``S = roi_size ** 2`` positions)::

        f = ReLU(LN(roi @ W_in)); f = ReLU(LN(f @ W_out))
        out = ReLU(LN(fc_layer(flatten(f))))     # S * out_channels -> out

    This is InstBlink's Video Interaction Module filter (Sec. 4.3:
    256 -> 64 -> 256, then a linear projection to 256). ``flatten`` is
    position-major (index ``s * out_channels + c``) and the parameter names
    equal mmdet's ``DynamicConv`` so official checkpoints load.

    With ``with_filter=False`` (the "w/o filter operation in VIM" ablation
    of Table 5) the RoI feature is projected directly:
    ``out = ReLU(LN(fc_layer(flatten(roi))))``.

    Args:
        in_channels (int): Instance and RoI feature channels.
            Defaults to 256.
        feat_channels (int): Inner channels of the filters. Defaults to 64.
        out_channels (int, optional): Output channels. Defaults to
            ``in_channels``.
        roi_size (int): Side of the RoI feature. Defaults to 7.
        with_filter (bool): Use the dynamic filters. Defaults to True.
    """

    def __init__(self,
                 in_channels: int = 256,
                 feat_channels: int = 64,
                 out_channels: int = None,
                 roi_size: int = 7,
                 with_filter: bool = True) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.feat_channels = feat_channels
        self.out_channels = out_channels or in_channels
        self.roi_size = roi_size
        self.with_filter = with_filter
        if with_filter:
            self.num_params_in = in_channels * feat_channels
            self.num_params_out = self.out_channels * feat_channels
            self.dynamic_layer = nn.Linear(
                in_channels, self.num_params_in + self.num_params_out)
            self.norm_in = nn.LayerNorm(feat_channels)
            self.norm_out = nn.LayerNorm(self.out_channels)
            flat_channels = self.out_channels
        else:
            flat_channels = in_channels
        self.activation = nn.ReLU(inplace=True)
        self.fc_layer = nn.Linear(flat_channels * roi_size**2,
                                  self.out_channels)
        self.fc_norm = nn.LayerNorm(self.out_channels)

    def forward(self, param_feature: Tensor, input_feature: Tensor) -> Tensor:
        """Filter the RoI features of ``K`` instances.

        Args:
            param_feature (Tensor): Instance features ``[K, in_channels]``.
            input_feature (Tensor): RoI features
                ``[K, in_channels, roi_size, roi_size]``.

        Returns:
            Tensor: ``[K, out_channels]``.
        """
        k = param_feature.size(0)
        # [K, S, C]
        features = input_feature.reshape(k, self.in_channels,
                                         -1).transpose(1, 2)
        if self.with_filter:
            params = self.dynamic_layer(param_feature)
            param_in = params[:, :self.num_params_in].view(
                k, self.in_channels, self.feat_channels)
            param_out = params[:, -self.num_params_out:].view(
                k, self.feat_channels, self.out_channels)
            features = self.activation(self.norm_in(features.bmm(param_in)))
            features = self.activation(self.norm_out(features.bmm(param_out)))
        features = self.fc_layer(features.flatten(1))
        return self.activation(self.fc_norm(features))
