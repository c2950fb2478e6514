import Foundation

/// Shapes of well-known models (from their published config.json), for synthetic checkpoints
/// and for simulating models too large to hold here.
public enum ModelPresets {
    /// Preset name -> config.json contents.
    public static let configs: [String: String] = [
        "llama-3.2-1b": """
        {"architectures":["LlamaForCausalLM"],"model_type":"llama","vocab_size":128256,"hidden_size":2048,"intermediate_size":8192,"num_hidden_layers":16,"num_attention_heads":32,"num_key_value_heads":8,"head_dim":64,"rms_norm_eps":1e-05,"rope_theta":500000.0,"rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,"original_max_position_embeddings":8192,"rope_type":"llama3"},"max_position_embeddings":131072,"tie_word_embeddings":true,"attention_bias":false,"mlp_bias":false,"bos_token_id":128000,"eos_token_id":[128001,128008,128009],"torch_dtype":"bfloat16"}
        """,
        "llama-3.2-3b": """
        {"architectures":["LlamaForCausalLM"],"model_type":"llama","vocab_size":128256,"hidden_size":3072,"intermediate_size":8192,"num_hidden_layers":28,"num_attention_heads":24,"num_key_value_heads":8,"head_dim":128,"rms_norm_eps":1e-05,"rope_theta":500000.0,"rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,"original_max_position_embeddings":8192,"rope_type":"llama3"},"max_position_embeddings":131072,"tie_word_embeddings":true,"bos_token_id":128000,"eos_token_id":[128001,128008,128009],"torch_dtype":"bfloat16"}
        """,
        "llama-3.1-8b": """
        {"architectures":["LlamaForCausalLM"],"model_type":"llama","vocab_size":128256,"hidden_size":4096,"intermediate_size":14336,"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"rms_norm_eps":1e-05,"rope_theta":500000.0,"rope_scaling":{"factor":8.0,"high_freq_factor":4.0,"low_freq_factor":1.0,"original_max_position_embeddings":8192,"rope_type":"llama3"},"max_position_embeddings":131072,"tie_word_embeddings":false,"bos_token_id":128000,"eos_token_id":[128001,128008,128009],"torch_dtype":"bfloat16"}
        """,
        "llama-3.1-70b": """
        {"architectures":["LlamaForCausalLM"],"model_type":"llama","vocab_size":128256,"hidden_size":8192,"intermediate_size":28672,"num_hidden_layers":80,"num_attention_heads":64,"num_key_value_heads":8,"rms_norm_eps":1e-05,"rope_theta":500000.0,"rope_scaling":{"factor":8.0,"high_freq_factor":4.0,"low_freq_factor":1.0,"original_max_position_embeddings":8192,"rope_type":"llama3"},"max_position_embeddings":131072,"tie_word_embeddings":false,"bos_token_id":128000,"eos_token_id":[128001,128008,128009],"torch_dtype":"bfloat16"}
        """,
        "llama-3.1-405b": """
        {"architectures":["LlamaForCausalLM"],"model_type":"llama","vocab_size":128256,"hidden_size":16384,"intermediate_size":53248,"num_hidden_layers":126,"num_attention_heads":128,"num_key_value_heads":8,"rms_norm_eps":1e-05,"rope_theta":500000.0,"rope_scaling":{"factor":8.0,"high_freq_factor":4.0,"low_freq_factor":1.0,"original_max_position_embeddings":8192,"rope_type":"llama3"},"max_position_embeddings":131072,"tie_word_embeddings":false,"bos_token_id":128000,"eos_token_id":[128001,128008,128009],"torch_dtype":"bfloat16"}
        """,
        "llama-2-7b": """
        {"architectures":["LlamaForCausalLM"],"model_type":"llama","vocab_size":32000,"hidden_size":4096,"intermediate_size":11008,"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":32,"rms_norm_eps":1e-05,"rope_theta":10000.0,"max_position_embeddings":4096,"tie_word_embeddings":false,"bos_token_id":1,"eos_token_id":2,"torch_dtype":"float16"}
        """,
        "mistral-7b": """
        {"architectures":["MistralForCausalLM"],"model_type":"mistral","vocab_size":32768,"hidden_size":4096,"intermediate_size":14336,"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"head_dim":128,"rms_norm_eps":1e-05,"rope_theta":1000000.0,"max_position_embeddings":32768,"sliding_window":null,"tie_word_embeddings":false,"bos_token_id":1,"eos_token_id":2,"torch_dtype":"bfloat16"}
        """,
        "qwen2.5-0.5b": """
        {"architectures":["Qwen2ForCausalLM"],"model_type":"qwen2","vocab_size":151936,"hidden_size":896,"intermediate_size":4864,"num_hidden_layers":24,"num_attention_heads":14,"num_key_value_heads":2,"rms_norm_eps":1e-06,"rope_theta":1000000.0,"max_position_embeddings":32768,"tie_word_embeddings":true,"use_sliding_window":false,"bos_token_id":151643,"eos_token_id":151645,"torch_dtype":"bfloat16"}
        """,
        "qwen2.5-7b": """
        {"architectures":["Qwen2ForCausalLM"],"model_type":"qwen2","vocab_size":152064,"hidden_size":3584,"intermediate_size":18944,"num_hidden_layers":28,"num_attention_heads":28,"num_key_value_heads":4,"rms_norm_eps":1e-06,"rope_theta":1000000.0,"max_position_embeddings":32768,"tie_word_embeddings":false,"use_sliding_window":false,"bos_token_id":151643,"eos_token_id":151645,"torch_dtype":"bfloat16"}
        """,
        "qwen3-0.6b": """
        {"architectures":["Qwen3ForCausalLM"],"model_type":"qwen3","vocab_size":151936,"hidden_size":1024,"intermediate_size":3072,"num_hidden_layers":28,"num_attention_heads":16,"num_key_value_heads":8,"head_dim":128,"rms_norm_eps":1e-06,"rope_theta":1000000.0,"max_position_embeddings":40960,"tie_word_embeddings":true,"bos_token_id":151643,"eos_token_id":151645,"torch_dtype":"bfloat16"}
        """,
        "deepseek-v3": """
        {"architectures":["DeepseekV3ForCausalLM"],"model_type":"deepseek_v3","vocab_size":129280,"hidden_size":7168,"intermediate_size":18432,"moe_intermediate_size":2048,"num_hidden_layers":61,"num_attention_heads":128,"num_key_value_heads":128,"n_shared_experts":1,"n_routed_experts":256,"num_experts_per_tok":8,"first_k_dense_replace":3,"moe_layer_freq":1,"q_lora_rank":1536,"kv_lora_rank":512,"qk_nope_head_dim":128,"qk_rope_head_dim":64,"v_head_dim":128,"rms_norm_eps":1e-06,"rope_theta":10000,"rope_scaling":{"type":"yarn","factor":40,"original_max_position_embeddings":4096,"beta_fast":32,"beta_slow":1,"mscale":1.0,"mscale_all_dim":1.0},"max_position_embeddings":163840,"tie_word_embeddings":false,"bos_token_id":0,"eos_token_id":1,"torch_dtype":"bfloat16"}
        """,
        "deepseek-r1-distill-qwen-32b": """
        {"architectures":["Qwen2ForCausalLM"],"model_type":"qwen2","vocab_size":152064,"hidden_size":5120,"intermediate_size":27648,"num_hidden_layers":64,"num_attention_heads":40,"num_key_value_heads":8,"rms_norm_eps":1e-05,"rope_theta":1000000.0,"max_position_embeddings":131072,"tie_word_embeddings":false,"use_sliding_window":false,"bos_token_id":151643,"eos_token_id":151643,"torch_dtype":"bfloat16"}
        """,
    ]

    public static var names: [String] { configs.keys.sorted() }

    public static func config(named name: String) throws -> ModelConfig {
        guard let json = configs[name] else {
            throw CheckpointError.invalidConfig(file: "preset", key: name, reason: "is not a known preset; presets: \(names.joined(separator: ", "))")
        }
        return try ModelConfig.parse(Data(json.utf8), file: "preset \(name)")
    }
}
