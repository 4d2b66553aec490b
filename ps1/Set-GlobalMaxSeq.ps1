<#
.SYNOPSIS
    Writes GlobalMaxSeqInResync (REG_DWORD) under the MSExchangeDX service key, or removes it.

.DESCRIPTION
    Called by ResyncGlb's Windows operations (src/operations/windows) with one argument, base64 of
    a UTF-8 JSON request. Names come from the request (src/operations/dss-contract.json). With a
    number the value is created or set as REG_DWORD (a value of another kind is replaced); with
    null it is removed (nothing happens when it is absent). The run sets it to 1 for a generation
    and puts back what was there before (KB Q215505; docs/domain.md). Writes exactly one line:
    a JSON envelope whose data is { action: Created|Updated|Replaced|Removed|None }.

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "Local|Remoting|Rpc", "computerName": "...",
      "key": { "hive": "HKEY_LOCAL_MACHINE", "subKey": "...", "psPath": "HKLM:\..." },
      "value": { "name": "GlobalMaxSeqInResync" }, "data": 1 }   (or "data": null to remove)

.OUTPUTS
    One line of compressed JSON: {"ok":true,"data":{...}} or {"ok":false,"error":{...}}.

.EXAMPLE
    & .\Set-GlobalMaxSeq.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"action":"Created"}}.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation {
    param($request)
    $valueName = Get-DssRequestField -Request $request -Name 'value.name'
    $remove = $null -eq $request['data']
    $data = 0
    if (-not $remove) {
        $d = $request['data']
        if (-not ($d -is [int] -or $d -is [long] -or $d -is [double] -or $d -is [decimal]) -or [double]$d -lt 0 -or [double]$d -gt 2147483647 -or [Math]::Floor([double]$d) -ne [double]$d) {
            throw (New-DssException -Id 'Usage' -Message ('GlobalMaxSeqInResync must be a whole number from 0 to 2147483647; got ' + [string]$d + '.'))
        }
        $data = [int]$d
    }

    return (Set-DssServiceValue -Request $request -ValueName $valueName -PropertyType DWord -Kind DWord -Value $data -Remove:$remove)
}
