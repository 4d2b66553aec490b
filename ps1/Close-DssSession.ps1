<#
.SYNOPSIS
    Closes what Initialize-DssSession.ps1 opened in this process: the PSSession, the connection to
    the administrative share, and the state variable.

.DESCRIPTION
    Called by ResyncGlb's Windows operations when a run ends (dispose), before the PowerShell child
    process is stopped. Never fails: what cannot be closed is closed anyway when the process ends.

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON: {} (no fields are read).

.OUTPUTS
    One line of JSON; data is { closed: true|false } (false when nothing was open).

.EXAMPLE
    & .\Close-DssSession.ps1 -RequestBase64 'e30='
    Prints {"ok":true,"data":{"closed":false}} when nothing was open.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation { @{ ok = $true; data = @{ closed = (Close-DssSessionState) } } }
