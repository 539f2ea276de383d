"""KetaCare: supervised ketamine and esketamine treatment for depression."""
