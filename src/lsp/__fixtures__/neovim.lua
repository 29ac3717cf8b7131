-- Neovim's built-in LSP client (0.7+) attaches `spell lsp --stdio` to a spell file, waits for
-- the diagnostics, asks for a hover and a definition, and writes what it got as JSON.
-- Environment: SPELL_ROOT (project), SPELL_BIN (bin/spell.js), SPELL_FILE, SPELL_OUT.
local root, bin, file, out = os.getenv('SPELL_ROOT'), os.getenv('SPELL_BIN'), os.getenv('SPELL_FILE'), os.getenv('SPELL_OUT')
local result = { published = vim.NIL, shown = 0, hover = vim.NIL, definition = vim.NIL, errors = {} }

local function finish()
  local f = assert(io.open(out, 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qall!')
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local default = vim.lsp.handlers['textDocument/publishDiagnostics']
  local id = vim.lsp.start_client({
    name = 'spell',
    cmd = { 'node', bin, 'lsp', '--stdio' },
    root_dir = root,
    handlers = {
      ['textDocument/publishDiagnostics'] = function(e, res, ctx, config)
        if res and res.uri == vim.uri_from_fname(file) then result.published = res end
        return default(e, res, ctx, config)
      end,
    },
  })
  vim.lsp.buf_attach_client(buf, id)
  vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  result.shown = #vim.diagnostic.get(buf)
  local client = vim.lsp.get_client_by_id(id)
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 0, character = 10 } }
  local hover = client.request_sync('textDocument/hover', params, 20000, buf)
  if hover then result.hover = hover.result or vim.NIL end
  local def_params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 2, character = 2 } }
  local def = client.request_sync('textDocument/definition', def_params, 20000, buf)
  if def then result.definition = def.result or vim.NIL end
  client.stop()
  vim.wait(5000, function() return client.is_stopped() end, 50)
end)
if not ok then table.insert(result.errors, tostring(err)) end
finish()
