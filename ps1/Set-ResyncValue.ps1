<#
.SYNOPSIS
    Writes ResyncConnectionRDNs as REG_MULTI_SZ under the MSExchangeDX service key of a DSS,
    one requestor name per string; writes nothing when the value already matches.

.DESCRIPTION
    Called by ResyncGlb's Windows operations with one argument, base64 of a UTF-8 JSON request; key,
    value and type names come from the request (src/shared/dss-contract.json). As in
    Carbon.Registry's Set-CRegistryKeyValue:
      * a missing value is created with New-ItemProperty -PropertyType MultiString;
      * an existing REG_MULTI_SZ value is updated with Set-ItemProperty (which keeps its kind);
      * a value of another kind is removed and created again as REG_MULTI_SZ;
      * a value that already holds exactly these strings, in this order, is not written.
    A missing service key means the service does not exist: ServiceNotFound, nothing written.
    On the next start the DXA writes Resync.glb and removes the value itself (Q150976).
    Over the Rpc transport the same rules apply through the remote registry
    (RegistryKey.SetValue with RegistryValueKind.MultiString).

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "...", "computerName": "...",
      "key": { "hive": "...", "subKey": "...", "psPath": "..." },
      "value": { "name": "...", "psPropertyType": "MultiString", "dotnetKind": "MultiString" },
      "names": [ "PO1", "PO2" ] }

.OUTPUTS
    One line of JSON; data is { action: Created|Updated|Replaced|None, previous: [...]|null }.

.EXAMPLE
    & .\Set-ResyncValue.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"action":"Created","previous":null}} the first time, "None" after.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation {
    param($request)
    $valueName = Get-DssRequestField -Request $request -Name 'value.name'
    $names = [string[]](Get-DssRequestField -Request $request -Name 'names')
    if ($names.Count -eq 0) { throw (New-DssException -Id 'InvalidRequestor' -Message 'No requestor names to write; an empty REG_MULTI_SZ is never written.') }
    foreach ($n in $names) {
        if ($null -eq $n -or $n.Length -eq 0) { throw (New-DssException -Id 'InvalidRequestor' -Message 'An empty requestor name would end the REG_MULTI_SZ list early; nothing was written.') }
    }

    if ([string]$request['transport'] -eq 'Rpc') {
        $kindName = Get-DssRequestField -Request $request -Name 'value.dotnetKind'
        return (Invoke-DssRpcKey -Request $request -MustExist -Body {
            param($key)
            $action = 'Created'
            $previous = $null
            if (Test-DssRpcValueName -Key $key -Name $valueName) {
                $kind = [string]$key.GetValueKind($valueName)
                $old = $key.GetValue($valueName, $null, 'DoNotExpandEnvironmentNames')
                $previous = @($old)
                $action = 'Replaced'
                if ($kind -eq $kindName) {
                    $action = 'Updated'
                    $same = ($old -is [string[]]) -and ($old.Length -eq $names.Length)
                    if ($same) { for ($i = 0; $i -lt $names.Length; $i++) { if (-not [string]::Equals($old[$i], $names[$i], [StringComparison]::Ordinal)) { $same = $false } } }
                    if ($same) { $action = 'None' }
                } else {
                    $key.DeleteValue($valueName, $false)
                }
            }
            if ($action -ne 'None') { $key.SetValue($valueName, $names, [Microsoft.Win32.RegistryValueKind]$kindName) }
            return @{ ok = $true; data = @{ action = $action; previous = $previous } }
        })
    }

    # PowerShell 2.0 only below: under Remoting this runs on the DSS.
    $core = {
        param([string]$KeyPath, [string]$ValueName, [string]$PropertyType, [string[]]$Names)
        $ErrorActionPreference = 'Stop'
        if (-not (Test-Path -LiteralPath $KeyPath)) {
            return @{ ok = $false; error = @{ id = 'ServiceNotFound'; category = 'ObjectNotFound'; target = $KeyPath; message = ('The service key ' + $KeyPath + ' does not exist on ' + [Environment]::MachineName + '; nothing was written.') } }
        }
        $props = Get-ItemProperty -LiteralPath $KeyPath
        $prop = $null
        if ($null -ne $props) { $prop = $props.PSObject.Properties[$ValueName] }
        if ($null -eq $prop) {
            $null = New-ItemProperty -LiteralPath $KeyPath -Name $ValueName -PropertyType $PropertyType -Value $Names
            return @{ ok = $true; data = @{ action = 'Created'; previous = $null } }
        }
        $old = $prop.Value
        if ($old -is [string[]]) {
            $same = $old.Length -eq $Names.Length
            if ($same) { for ($i = 0; $i -lt $Names.Length; $i++) { if (-not [string]::Equals($old[$i], $Names[$i], [StringComparison]::Ordinal)) { $same = $false } } }
            if ($same) { return @{ ok = $true; data = @{ action = 'None'; previous = $old } } }
            Set-ItemProperty -LiteralPath $KeyPath -Name $ValueName -Value $Names
            return @{ ok = $true; data = @{ action = 'Updated'; previous = $old } }
        }
        # Another kind (REG_SZ, ...): Set-ItemProperty would keep that kind, so remove and create.
        Remove-ItemProperty -LiteralPath $KeyPath -Name $ValueName
        $null = New-ItemProperty -LiteralPath $KeyPath -Name $ValueName -PropertyType $PropertyType -Value $Names
        return @{ ok = $true; data = @{ action = 'Replaced'; previous = @([string]$old) } }
    }
    return (Invoke-DssCore -Request $request -Core $core -ArgumentList @(
        (Get-DssRequestField -Request $request -Name 'key.psPath'),
        $valueName,
        (Get-DssRequestField -Request $request -Name 'value.psPropertyType'),
        $names))
}
