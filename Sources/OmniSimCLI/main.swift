print("omni-sim")
