"""Build the located project model from the files discovery found."""
