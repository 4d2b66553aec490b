# TEST ONLY: loaded by test/ps/pwsh-with-shadows (XDG_CONFIG_HOME points here). See Shadow.WindowsCommands.ps1.
. (Join-Path (Split-Path -Parent (Split-Path -Parent $PSScriptRoot)) 'Shadow.WindowsCommands.ps1')
