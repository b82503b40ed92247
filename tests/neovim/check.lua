-- Neovim (0.7+) as an LSP client of `rasp serve`, headless:
--
--   RASP_PYTHON=.venv/bin/python RASP_NVIM_OUT=/tmp/out.json \
--     nvim --headless -u NONE -c "luafile tests/neovim/check.lua"
--
-- Run from the repository root. Opens tests/fixtures/negative_numerical_map.py, attaches a client
-- started with vim.lsp.start_client (the API Neovim 0.7 has), waits up to 60 s for Neovim to hold
-- a RASP501 diagnostic, writes what it holds as JSON to $RASP_NVIM_OUT and quits. Exits non-zero
-- (`cq`) on timeout or on any error.
--
-- With RASP_NVIM_TYPING set, it edits a copy instead and, once the RASP501 is shown, types 20
-- characters into a comment (one change each, 100 ms apart, `:write` after the 10th), sampling
-- what Neovim shows every 10 ms until the checks are over: `missing` lists the number of
-- diagnostics shown at each sample that lacked the RASP501 (an edit that keeps an error must
-- never make it vanish).

local TIMEOUT_MS = 60000
local TYPED = "clipped to 0 by tracr"
local SETTLE_MS = 5000 -- after the last keystroke: the check of the final text is over by then

-- Types into a new last-line comment; returns how many samples were taken and which lacked it.
local function type_a_comment(bufnr)
  local samples, missing = 0, {}
  local function watch(ms)
    vim.wait(ms, function()
      samples = samples + 1
      local shown = vim.diagnostic.get(bufnr)
      for _, d in ipairs(shown) do
        if d.code == "RASP501" then
          return false
        end
      end
      table.insert(missing, #shown)
      return false
    end, 10)
  end
  local line = vim.api.nvim_buf_line_count(bufnr)
  vim.api.nvim_buf_set_lines(bufnr, line, line, false, { "# note: " })
  watch(100)
  for i = 1, 20 do
    local column = #"# note: " + i - 1
    vim.api.nvim_buf_set_text(bufnr, line, column, line, column, { TYPED:sub(i, i) })
    if i == 10 then
      vim.cmd("write")
    end
    watch(100)
  end
  watch(SETTLE_MS)
  return samples, missing
end

local function finish(ok, out, payload)
  if out then
    local file = assert(io.open(out, "w"))
    file:write(vim.json.encode(payload))
    file:close()
  end
  if not ok then
    io.stderr:write("check.lua: " .. tostring(payload.error) .. "\n")
  end
  vim.cmd(ok and "qa!" or "cq")
end

local function main(out)
  local python = os.getenv("RASP_PYTHON") or "python3"
  local root = vim.loop.cwd()
  local published = 0

  local typing = os.getenv("RASP_NVIM_TYPING") ~= nil
  local path = root .. "/tests/fixtures/negative_numerical_map.py"
  if typing then -- it is written: a copy
    local copy = vim.fn.tempname() .. ".py"
    vim.fn.writefile(vim.fn.readfile(path), copy)
    path = copy
  end
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = "python"

  local client_id = vim.lsp.start_client({
    name = "rasp",
    cmd = { python, "-P", "-m", "raspstudio", "serve" },
    root_dir = root,
    handlers = {
      ["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
        published = published + 1
        -- Neovim's own handler: what ends up in vim.diagnostic is what a user would see.
        vim.lsp.handlers["textDocument/publishDiagnostics"](err, result, ctx, config)
      end,
    },
  })
  assert(client_id, "vim.lsp.start_client did not start the server")
  assert(vim.lsp.buf_attach_client(bufnr, client_id), "vim.lsp.buf_attach_client failed")

  local found
  vim.wait(TIMEOUT_MS, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.code == "RASP501" then
        found = d
        return true
      end
    end
    return false
  end, 50)

  local samples, missing
  if found and typing then
    samples, missing = type_a_comment(bufnr)
  end
  local held = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(held, { code = d.code, line = d.lnum, message = d.message, source = d.source })
  end
  vim.lsp.stop_client(client_id)
  if not found then
    local why = string.format(
      "no RASP501 within %d ms (%d publishDiagnostics received)", TIMEOUT_MS, published
    )
    return finish(false, out, { error = why, diagnostics = held })
  end
  finish(true, out, {
    code = found.code,
    line = found.lnum, -- 0-based, as in LSP
    message = found.message,
    source = found.source,
    published = published,
    diagnostics = held,
    samples = samples,
    missing = missing,
  })
end

local out = os.getenv("RASP_NVIM_OUT")
local ok, error = pcall(main, out)
if not ok then
  finish(false, out, { error = error })
end
