"""The methods toolkit: the office keeps it; a short guide narrows it without JavaScript."""
