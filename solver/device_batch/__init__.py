"""Device-resident batched pipeline of ``align_batch(target="cuda")``: kernels that process all pairs in one launch."""
