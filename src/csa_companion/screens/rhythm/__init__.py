"""Screens of the program's rhythm: program, coaching, surveys, reflections, growth, and
the rhythm's card on Home."""
