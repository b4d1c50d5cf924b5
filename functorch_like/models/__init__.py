"""The guides' models as pure (init, apply) pairs with torch state_dict keys and layouts."""
from ._cnn import mnist_cnn as mnist_cnn
from ._mlp import mlp as mlp
from ._mlp import simple_classifier as simple_classifier
from ._mlp import simple_net as simple_net
from ._model import Model as Model

__all__ = ["Model", "mlp", "simple_classifier", "simple_net", "mnist_cnn"]
