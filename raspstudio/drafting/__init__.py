"""From a spec to a verified program with an LLM: a client of `raspstudio.engine`, like the
front ends. `loop` runs the rounds; `llm` is the only module that talks to a model (and the
only one importing `openai`); `prompt` writes the messages; `library` retrieves few-shot
examples; `policy` is the AST policy; `candidate` judges one reply; `data` documents the data
between them; `tasks` is `rasp draft-eval`."""
