<#
.SYNOPSIS
    Tells whether a process holds a file on the DSS open for writing (the DXA still writing
    Resync.glb).

.DESCRIPTION
    The OpenForWrite action of the file core (Get-DssFileCore in ps1/common/Files.ps1): is some process
    still writing the file (the DXA writing Resync.glb)?

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON: { "transport": "...", "computerName": "...", "path": "..." }

.EXAMPLE
    & .\Test-DssFileOpenForWrite.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"exists":true,"openForWrite":false}} once the DXA has closed the file.

.OUTPUTS
    One line of JSON; data is { exists, openForWrite }: openForWrite is true when opening the file for reading
    while denying write sharing fails with a sharing violation.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation { param($request) Invoke-DssFileAction -Request $request -Action OpenForWrite }
