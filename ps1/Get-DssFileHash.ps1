<#
.SYNOPSIS
    Computes the SHA-256, length and last write time of a file on the DSS, denying writers while it
    reads.

.DESCRIPTION
    The Hash action of the file core (Get-DssFileCore in ps1/common/Files.ps1); the file is read denying
    writers, so a file still being written is never hashed half-written.

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON: { "transport": "...", "computerName": "...", "path": "..." }

.EXAMPLE
    & .\Get-DssFileHash.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"exists":true,"length":5120,"sha256":"9F86D081...","lastWriteTimeUtc":"...","lastWriteTicks":"..."}}.

.OUTPUTS
    One line of JSON; data is { exists, length, sha256 (uppercase hex), lastWriteTimeUtc, lastWriteTicks };
    FileInUse when a writer holds the file, SourceNotFound when it is missing.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation { param($request) Invoke-DssFileAction -Request $request -Action Hash }
