"""torch.optim's algorithms as optax GradientTransformations, and torch's lr schedules."""
