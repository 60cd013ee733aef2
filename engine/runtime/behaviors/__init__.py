"""One plain behaviour per node kind; `BEHAVIORS` maps NodeKind to it."""
