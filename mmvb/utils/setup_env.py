# Copyright (c) mmvb contributors. All rights reserved.
import datetime
import warnings

from mmengine import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Register mmaction2's and mmvb's modules into mmaction's registries.

    mmvb registers straight into ``mmaction.registry``, so the default scope
    stays ``'mmaction'``.

    Args:
        init_default_scope (bool): Whether to set the default scope to
            ``'mmaction'`` (as mmaction2's own ``register_all_modules``
            does). Defaults to True.
    """
    from mmaction.utils import register_all_modules as _register_mmaction

    import mmvb  # noqa: F401  (applies compat shims, registers mmvb)
    _register_mmaction(init_default_scope=False)

    if init_default_scope:
        never_created = DefaultScope.get_current_instance() is None \
            or not DefaultScope.check_instance_created('mmaction')
        if never_created:
            DefaultScope.get_instance('mmaction', scope_name='mmaction')
            return
        current_scope = DefaultScope.get_current_instance()
        if current_scope.scope_name != 'mmaction':
            warnings.warn('The current default scope '
                          f'"{current_scope.scope_name}" is not "mmaction", '
                          '`register_all_modules` will force the current '
                          'default scope to be "mmaction". If this is not '
                          'expected, please set `init_default_scope=False`.')
            new_instance_name = f'mmaction-{datetime.datetime.now()}'
            DefaultScope.get_instance(new_instance_name, scope_name='mmaction')
