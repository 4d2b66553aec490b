<#
.SYNOPSIS
    Reads GlobalMaxSeqInResync (REG_DWORD) under the MSExchangeDX service key and the file version
    of the DXA binary the service's ImagePath names.

.DESCRIPTION
    Called by ResyncGlb's Windows operations (src/operations/windows) with one argument, base64 of
    a UTF-8 JSON request. Names come from the request (src/operations/dss-contract.json); none is
    written in this file. The value decides where a Resync.glb's header numbers come from, and it
    is honoured from DXA 5.5.2524 (Exchange 5.5 SP3) on (KB Q215505; docs/domain.md). Writes
    exactly one line: a JSON envelope whose data is
    { keyExists, present, kind, value, imagePath, version } (version null when unreadable).

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "Local|Remoting|Rpc", "computerName": "...",
      "key": { "hive": "HKEY_LOCAL_MACHINE", "subKey": "...", "psPath": "HKLM:\..." },
      "value": { "name": "GlobalMaxSeqInResync" }, "imagePathValue": "ImagePath" }

.OUTPUTS
    One line of compressed JSON: {"ok":true,"data":{...}} or {"ok":false,"error":{...}}.

.EXAMPLE
    & .\Get-DxaSequenceSettings.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"keyExists":true,"present":false,"kind":null,"value":null,"imagePath":"C:\\EXCHSRVR\\BIN\\DXA.EXE","version":"5.5.2653.0"}}.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation {
    param($request)
    $valueName = Get-DssRequestField -Request $request -Name 'value.name'
    $imageName = Get-DssRequestField -Request $request -Name 'imagePathValue'

    # The DXA binary's file version, read where the file is (the DSS; Rpc: over the admin share);
    # null when it cannot be read (not there, no version resource).
    $versionOf = {
        param([string]$Path)
        $r = Invoke-DssCore -Request $request -Core (Get-DssFileCore) -ArgumentList @('Version', $Path, [long]0, 0, [long]0, '', '')
        return $r['data']['version']
    }

    if ([string]$request['transport'] -eq 'Rpc') {
        $computer = Get-DssRequestField -Request $request -Name 'computerName'
        $hive = Get-DssRequestField -Request $request -Name 'key.hive'
        $subKey = Get-DssRequestField -Request $request -Name 'key.subKey'
        $r = Get-DssRpcValue -ComputerName $computer -Hive $hive -SubKey $subKey -Name $valueName
        $img = Get-DssRpcValue -ComputerName $computer -Hive $hive -SubKey $subKey -Name $imageName
        $value = $null
        if ($r['present'] -and ($r['value'] -is [int] -or $r['value'] -is [long])) { $value = [long]$r['value'] }
        $imagePath = $null
        $version = $null
        if ($img['present']) {
            $imagePath = [string]$img['value']
            # A remote %SystemRoot% cannot be expanded here; such a path stays unread (version null).
            $binary = Get-DssImageBinary -ImagePath $imagePath
            if ($binary.IndexOf('%') -lt 0 -and $binary -match '^([A-Za-z]:\\|\\\\)') {
                $version = & $versionOf (ConvertTo-DssAdminSharePath -Path $binary -ComputerName $computer)
            }
        }
        return @{ ok = $true; data = @{ keyExists = $r['keyExists']; present = $r['present']; kind = $r['kind']; value = $value; imagePath = $imagePath; version = $version } }
    }

    # PowerShell 2.0 only below, self-contained: under Remoting this runs on the DSS.
    $core = {
        param([string]$KeyPath, [string]$ValueName, [string]$ImageName)
        $ErrorActionPreference = 'Stop'
        if (-not (Test-Path -LiteralPath $KeyPath)) {
            return @{ ok = $true; data = @{ keyExists = $false; present = $false; kind = $null; value = $null; imagePath = $null; version = $null } }
        }
        $props = Get-ItemProperty -LiteralPath $KeyPath
        $prop = $null
        $img = $null
        if ($null -ne $props) { $prop = $props.PSObject.Properties[$ValueName]; $img = $props.PSObject.Properties[$ImageName] }
        $present = $null -ne $prop
        $kind = $null
        $value = $null
        if ($present) {
            $v = $prop.Value
            $kind = 'Unknown'
            if ($v -is [int]) { $kind = 'DWord'; $value = [long]$v }
            elseif ($v -is [long]) { $kind = 'QWord'; $value = [long]$v }
            elseif ($v -is [string]) { $kind = 'String' }
        }
        $imagePath = $null
        if ($null -ne $img) { $imagePath = [string]$img.Value }
        return @{ ok = $true; data = @{ keyExists = $true; present = $present; kind = $kind; value = $value; imagePath = $imagePath; version = $null } }
    }
    $read = Invoke-DssCore -Request $request -Core $core -ArgumentList @((Get-DssRequestField -Request $request -Name 'key.psPath'), $valueName, $imageName)
    # The binary is taken out of the ImagePath here; its environment strings are expanded and its
    # version read on the DSS, by the file core.
    if ($read['ok'] -and $null -ne $read['data']['imagePath']) {
        $read['data']['version'] = & $versionOf (Get-DssImageBinary -ImagePath ([string]$read['data']['imagePath']))
    }
    return $read
}
