"""Load a service's nameko ``config.yml`` (``${ENV_VAR:default}`` values) the way ``nameko run`` does."""
import yaml
from nameko.cli.main import setup_yaml_parser


def load_service_config(path, **overrides):
    setup_yaml_parser()
    with open(path) as handle:
        config = yaml.safe_load(handle)
    config.update(overrides)
    return config
