"""What a volunteer sees and does in their personal space on the public site."""
