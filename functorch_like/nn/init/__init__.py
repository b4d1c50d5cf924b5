"""torch.nn.init's schemes as pure functions of a PRNG key."""
