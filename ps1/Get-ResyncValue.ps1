<#
.SYNOPSIS
    Reads ResyncConnectionRDNs (REG_MULTI_SZ) under the MSExchangeDX service key of a DSS.

.DESCRIPTION
    Called by ResyncGlb's Windows operations (src/operations/windows) with one argument, base64 of
    a UTF-8 JSON request. The key, value and type names come from the request (which takes them
    from src/shared/dss-contract.json); none is written in this file. Writes exactly one line:
    a JSON envelope whose data is { keyExists, present, kind, values }. kind is the registry value
    kind (MultiString for REG_MULTI_SZ); values holds one requestor name per string (Q150976).

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "Local|Remoting|Rpc", "computerName": "...",
      "key": { "hive": "HKEY_LOCAL_MACHINE", "subKey": "...", "psPath": "HKLM:\..." },
      "value": { "name": "..." } }

.OUTPUTS
    One line of compressed JSON: {"ok":true,"data":{...}} or {"ok":false,"error":{...}}.

.EXAMPLE
    & .\Get-ResyncValue.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"keyExists":true,"present":true,"kind":"MultiString","values":["PO1"]}}.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation {
    param($request)
    $valueName = Get-DssRequestField -Request $request -Name 'value.name'

    if ([string]$request['transport'] -eq 'Rpc') {
        $r = Get-DssRpcValue -ComputerName (Get-DssRequestField -Request $request -Name 'computerName') `
            -Hive (Get-DssRequestField -Request $request -Name 'key.hive') `
            -SubKey (Get-DssRequestField -Request $request -Name 'key.subKey') -Name $valueName
        $values = $null
        if ($r['present']) {
            if ($r['value'] -is [string[]]) { $values = $r['value'] } else { $values = @([string]$r['value']) }
        }
        return @{ ok = $true; data = @{ keyExists = $r['keyExists']; present = $r['present']; kind = $r['kind']; values = $values } }
    }

    # PowerShell 2.0 only below: under Remoting this runs on the DSS.
    $core = {
        param([string]$KeyPath, [string]$ValueName)
        $ErrorActionPreference = 'Stop'
        if (-not (Test-Path -LiteralPath $KeyPath)) {
            return @{ ok = $true; data = @{ keyExists = $false; present = $false; kind = $null; values = $null } }
        }
        $props = Get-ItemProperty -LiteralPath $KeyPath
        $prop = $null
        if ($null -ne $props) { $prop = $props.PSObject.Properties[$ValueName] }
        if ($null -eq $prop) {
            return @{ ok = $true; data = @{ keyExists = $true; present = $false; kind = $null; values = $null } }
        }
        $v = $prop.Value
        $kind = 'Unknown'
        if ($v -is [string[]]) { $kind = 'MultiString' }
        elseif ($v -is [string]) { $kind = 'String' }
        elseif ($v -is [byte[]]) { $kind = 'Binary' }
        elseif ($v -is [int]) { $kind = 'DWord' }
        elseif ($v -is [long]) { $kind = 'QWord' }
        $values = @()
        if ($kind -eq 'MultiString') { $values = [string[]]$v } else { $values = @([string]$v) }
        return @{ ok = $true; data = @{ keyExists = $true; present = $true; kind = $kind; values = $values } }
    }
    return (Invoke-DssCore -Request $request -Core $core -ArgumentList @((Get-DssRequestField -Request $request -Name 'key.psPath'), $valueName))
}
