<#
.SYNOPSIS
    Removes ResyncConnectionRDNs from the MSExchangeDX service key of a DSS; does nothing when the
    value (or the key) is absent.

.DESCRIPTION
    Called by ResyncGlb's Windows operations with one argument, base64 of a UTF-8 JSON request; key
    and value names come from the request (src/shared/dss-contract.json). Uses
    Remove-ItemProperty (Local, Remoting) or RegistryKey.DeleteValue (Rpc). Used by the rollback
    and when the DXA left the value in place (domain.md, failure mode 3).

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "...", "computerName": "...",
      "key": { "hive": "...", "subKey": "...", "psPath": "..." }, "value": { "name": "..." } }

.OUTPUTS
    One line of JSON; data is { removed: true|false }.

.EXAMPLE
    & .\Remove-ResyncValue.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"removed":true}}.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation {
    param($request)
    $r = Set-DssServiceValue -Request $request -ValueName (Get-DssRequestField -Request $request -Name 'value.name') -Remove
    # A missing key or value is nothing to remove: removed is false, not an error.
    if (-not $r['ok'] -and [string]$r['error']['id'] -eq 'ServiceNotFound') { return @{ ok = $true; data = @{ removed = $false } } }
    if (-not $r['ok']) { return $r }
    return @{ ok = $true; data = @{ removed = ([string]$r['data']['action'] -eq 'Removed') } }
}
