"""The prompt-toolkit REPL (`rasp repl`): a thin front end over `raspstudio.engine.ReplSession`."""
