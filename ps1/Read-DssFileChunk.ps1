<#
.SYNOPSIS
    Reads one chunk of a file on the DSS as base64 (used to move Resync.glb out over PowerShell
    remoting).

.DESCRIPTION
    The Chunk action of the file core (Get-DssFileCore in ps1/common/Files.ps1), one call per chunk;
    the file is read denying writers.

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "...", "computerName": "...", "path": "...", "offset": 0, "count": 524288 }

.EXAMPLE
    & .\Read-DssFileChunk.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"offset":0,"bytes":5120,"length":5120,"eof":true,"base64":"..."}} for a 5 KB file.

.OUTPUTS
    One line of JSON; data is { offset, bytes, length, eof, base64 }.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation { param($request) Invoke-DssFileAction -Request $request -Action Chunk }
