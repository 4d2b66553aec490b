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

    if ([string]$request['transport'] -eq 'Rpc') {
        return (Invoke-DssRpcKey -Request $request -MustExist -Body {
            param($key)
            $present = Test-DssRpcValueName -Key $key -Name $valueName
            $action = 'None'
            if ($remove) {
                if ($present) { $key.DeleteValue($valueName, $false); $action = 'Removed' }
            } else {
                $action = 'Created'
                if ($present) {
                    $kind = [string]$key.GetValueKind($valueName)
                    $old = $key.GetValue($valueName, $null, 'DoNotExpandEnvironmentNames')
                    if ($kind -eq 'DWord' -and [int]$old -eq $data) { $action = 'None' }
                    elseif ($kind -eq 'DWord') { $action = 'Updated' }
                    else { $key.DeleteValue($valueName, $false); $action = 'Replaced' }
                }
                if ($action -ne 'None') { $key.SetValue($valueName, $data, [Microsoft.Win32.RegistryValueKind]'DWord') }
            }
            return @{ ok = $true; data = @{ action = $action } }
        })
    }

    # PowerShell 2.0 only below: under Remoting this runs on the DSS.
    $core = {
        param([string]$KeyPath, [string]$ValueName, [bool]$Remove, [int]$Data)
        $ErrorActionPreference = 'Stop'
        if (-not (Test-Path -LiteralPath $KeyPath)) {
            return @{ ok = $false; error = @{ id = 'ServiceNotFound'; category = 'ObjectNotFound'; target = $KeyPath; message = ('The service key ' + $KeyPath + ' does not exist on ' + [Environment]::MachineName + '; nothing was written.') } }
        }
        $props = Get-ItemProperty -LiteralPath $KeyPath
        $prop = $null
        if ($null -ne $props) { $prop = $props.PSObject.Properties[$ValueName] }
        if ($Remove) {
            if ($null -eq $prop) { return @{ ok = $true; data = @{ action = 'None' } } }
            Remove-ItemProperty -LiteralPath $KeyPath -Name $ValueName
            return @{ ok = $true; data = @{ action = 'Removed' } }
        }
        if ($null -eq $prop) {
            $null = New-ItemProperty -LiteralPath $KeyPath -Name $ValueName -PropertyType DWord -Value $Data
            return @{ ok = $true; data = @{ action = 'Created' } }
        }
        if ($prop.Value -is [int]) {
            if ([int]$prop.Value -eq $Data) { return @{ ok = $true; data = @{ action = 'None' } } }
            Set-ItemProperty -LiteralPath $KeyPath -Name $ValueName -Value $Data
            return @{ ok = $true; data = @{ action = 'Updated' } }
        }
        # Another kind: Set-ItemProperty would keep it, so remove and create as DWord.
        Remove-ItemProperty -LiteralPath $KeyPath -Name $ValueName
        $null = New-ItemProperty -LiteralPath $KeyPath -Name $ValueName -PropertyType DWord -Value $Data
        return @{ ok = $true; data = @{ action = 'Replaced' } }
    }
    return (Invoke-DssCore -Request $request -Core $core -ArgumentList @((Get-DssRequestField -Request $request -Name 'key.psPath'), $valueName, [bool]$remove, [int]$data))
}
