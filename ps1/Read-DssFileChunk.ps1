<#
.SYNOPSIS
    Reads one chunk of a file on the DSS as base64 (used to move Resync.glb out over PowerShell
    remoting).

.DESCRIPTION
    Called by ResyncGlb's Windows operations with one argument, base64 of a UTF-8 JSON request.
    Runs the file core of _Common.ps1 (Get-DssFileCore, PowerShell 2.0 code) here for Local, on
    the DSS for Remoting, and here on the administrative share path for Rpc.

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "...", "computerName": "...", "path": "...", "offset": 0, "count": 524288 }

.OUTPUTS
    One line of JSON; data is { offset, bytes, length, eof, base64 }.

.EXAMPLE
    & .\Read-DssFileChunk.ps1 -RequestBase64 $b64
    Prints one envelope line, {"ok":true,"data":{...}}.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
Set-StrictMode -Version 2
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
try {
    . (Join-Path $here '_Common.ps1')
    $request = ConvertFrom-DssRequest -RequestBase64 $RequestBase64
    Write-DssResult -Result (Invoke-DssFileAction -Request $request -Action Chunk)
} catch {
    if (Get-Command -Name Resolve-DssFailure -ErrorAction SilentlyContinue) {
        Write-DssResult -Result (Resolve-DssFailure -ErrorRecord $_ -Phase Run)
    } else {
        Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'
    }
}
