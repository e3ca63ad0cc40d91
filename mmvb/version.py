# Copyright (c) mmvb contributors. All rights reserved.
"""Version of mmvb."""

__version__ = '0.1.0'


def parse_version_info(version_str: str) -> tuple:
    """Parse a version string into a tuple.

    Args:
        version_str (str): The version string, e.g. ``'0.1.0'`` or
            ``'0.1.0rc1'``.

    Returns:
        tuple: Integers for the numeric parts, followed by the pre-release
        tag string when there is one, e.g. ``(0, 1, 0, 'rc1')``.
    """
    version_info = []
    for x in version_str.split('.'):
        if x.isdigit():
            version_info.append(int(x))
        elif 'rc' in x:
            major, minor = x.split('rc')
            version_info.append(int(major))
            version_info.append(f'rc{minor}')
    return tuple(version_info)


version_info = parse_version_info(__version__)
