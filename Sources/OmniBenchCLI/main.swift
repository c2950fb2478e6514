print("omni-bench")
