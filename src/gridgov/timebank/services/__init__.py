"""The time bank's services: the only writers of its movements and of the district's expiry rule."""
