"""The worker's own implementation of the Qwen2/Qwen3/Llama families in plain PyTorch: loading and
saving Hugging Face folders without transformers or safetensors, LoRA in peft's format, and a
paged KV cache for generation. `policy_loading.py` decides when it is used."""
