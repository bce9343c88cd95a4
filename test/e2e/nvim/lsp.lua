-- Neovim (0.7+, headless, built-in LSP client) as a second, independent editor: start the
-- KubeGuard server over stdio, open a manifest, wait for its diagnostics, ask for a hover on one
-- of them, and write what Neovim received as JSON for test/e2e/nvim/run.ts to check.
--
--   KUBEGUARD_SERVER  path to dist/server.js        KUBEGUARD_FILE   the manifest to open
--   KUBEGUARD_OUT     where to write the JSON       KUBEGUARD_HOVER  "line:character" (0-based)
--   KUBEGUARD_WAIT_MS how long to wait for diagnostics (default 15000)
local server = assert(os.getenv('KUBEGUARD_SERVER'), 'KUBEGUARD_SERVER is not set')
local file = assert(os.getenv('KUBEGUARD_FILE'), 'KUBEGUARD_FILE is not set')
local out = assert(os.getenv('KUBEGUARD_OUT'), 'KUBEGUARD_OUT is not set')
local wait_ms = tonumber(os.getenv('KUBEGUARD_WAIT_MS') or '15000')
local started = vim.loop.hrtime()
local function elapsed() return math.floor((vim.loop.hrtime() - started) / 1e6) end

local result = { nvim = vim.version(), errors = {} }
local function finish()
  vim.fn.writefile({ vim.fn.json_encode(result) }, out)
end

-- Keep the diagnostics exactly as the server sent them (code, source, range), next to what
-- vim.diagnostic makes of them.
local received = {}
local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
  received[params.uri] = params.diagnostics
  return publish(err, params, ctx, config)
end

local client_id = vim.lsp.start_client({
  name = 'kubeguard',
  cmd = { 'node', server, '--stdio' },
  root_dir = vim.fn.fnamemodify(file, ':p:h'),
  -- Neovim answers workspace/configuration from here.
  settings = { kubeguard = { enable = true, profile = 'restricted' } },
  on_exit = function(code, signal) result.server_exit = { code = code, signal = signal } end,
})
if not client_id then
  table.insert(result.errors, 'vim.lsp.start_client failed')
  finish()
  vim.cmd('cquit 1')
end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(bufnr, client_id)
local uri = vim.uri_from_bufnr(bufnr)

local got = vim.wait(wait_ms, function() return received[uri] ~= nil and #received[uri] > 0 end, 20)
result.diagnostics_ms = elapsed()
if not got then table.insert(result.errors, 'no diagnostics within ' .. wait_ms .. ' ms') end
result.lsp = received[uri] or {}
result.vim = {}
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  table.insert(result.vim, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
    severity = d.severity, source = d.source, message = d.message })
end

local hover_at = os.getenv('KUBEGUARD_HOVER')
if got and hover_at then
  local line, character = hover_at:match('^(%d+):(%d+)$')
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', {
    textDocument = { uri = uri },
    position = { line = tonumber(line), character = tonumber(character) },
  }, wait_ms) or {}
  for _, r in pairs(responses) do
    if r.result and r.result.contents then
      local c = r.result.contents
      result.hover = type(c) == 'table' and (c.value or vim.fn.json_encode(c)) or c
    elseif r.err then
      table.insert(result.errors, 'hover: ' .. vim.fn.json_encode(r.err))
    end
  end
end

-- shutdown + exit, as when the editor closes; the server must go away cleanly.
vim.lsp.stop_client(client_id)
vim.wait(5000, function() return result.server_exit ~= nil end, 20)
finish()
vim.cmd('qall!')
