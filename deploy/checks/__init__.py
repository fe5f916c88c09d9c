"""Offline checks of deploy/ that kubernetes-validate cannot make, run by deploy/validate.sh.

Each module is one check: `python -m checks.<module> ARGS...` (with deploy/ on
PYTHONPATH) prints one line per problem and exits 1 if there is any.
"""
