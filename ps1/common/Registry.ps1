# ---------------------------------------------------------------------------------------------
# Registry values over the remote registry (Rpc transport)
# ---------------------------------------------------------------------------------------------

function Get-DssRpcValue {
    <#
    .SYNOPSIS
        Rpc transport: one registry value through the remote registry, as
        @{ keyExists; present; kind; value }. Environment strings are not expanded.
    #>
    param(
        [Parameter(Mandatory=$true)][string]$ComputerName,
        [Parameter(Mandatory=$true)][string]$Hive,
        [Parameter(Mandatory=$true)][string]$SubKey,
        [Parameter(Mandatory=$true)][string]$Name
    )
    $base = Open-DssRemoteBaseKey -Hive $Hive -ComputerName $ComputerName
    try {
        $key = $base.OpenSubKey($SubKey, $false)
        if ($null -eq $key) { return @{ keyExists = $false; present = $false; kind = $null; value = $null } }
        try {
            if (-not (Test-DssRpcValueName -Key $key -Name $Name)) { return @{ keyExists = $true; present = $false; kind = $null; value = $null } }
            $kind = [string]$key.GetValueKind($Name)
            $value = $key.GetValue($Name, $null, 'DoNotExpandEnvironmentNames')
            return @{ keyExists = $true; present = $true; kind = $kind; value = $value }
        } finally {
            $key.Close()
        }
    } finally {
        $base.Close()
    }
}

function Test-DssRpcValueName {
    <#
    .SYNOPSIS
        Whether an open RegistryKey has a value of this name (registry names ignore case).
    #>
    param([Parameter(Mandatory=$true)]$Key, [Parameter(Mandatory=$true)][string]$Name)
    foreach ($n in @($Key.GetValueNames())) {
        if ([string]::Equals([string]$n, $Name, [StringComparison]::OrdinalIgnoreCase)) { return $true }
    }
    return $false
}

function Invoke-DssRpcKey {
    <#
    .SYNOPSIS
        Rpc transport: opens the request's key (key.hive, key.subKey on computerName) for writing
        through the remote registry, runs Body with it and closes both keys whatever happens;
        returns what Body returns.
    .PARAMETER MustExist
        A missing key is ServiceNotFound, and Body does not run; without it, Body gets $null.
    #>
    param(
        [Parameter(Mandatory=$true)][hashtable]$Request,
        [Parameter(Mandatory=$true)][scriptblock]$Body,
        [switch]$MustExist
    )
    $computer = Get-DssRequestField -Request $Request -Name 'computerName'
    $subKey = Get-DssRequestField -Request $Request -Name 'key.subKey'
    $base = Open-DssRemoteBaseKey -Hive (Get-DssRequestField -Request $Request -Name 'key.hive') -ComputerName $computer
    try {
        $key = $base.OpenSubKey($subKey, $true)
        if ($null -eq $key -and $MustExist) {
            return (New-DssFailure -Id 'ServiceNotFound' -Category 'ObjectNotFound' -Target $subKey -Message ('The service key ' + $subKey + ' does not exist on ' + $computer + '; nothing was written.'))
        }
        try {
            return (& $Body $key)
        } finally {
            if ($null -ne $key) { $key.Close() }
        }
    } finally {
        $base.Close()
    }
}

function Expand-DssRemoteEnvironment {
    <#
    .SYNOPSIS
        Rpc transport: expands %NAME% in a registry string with the DSS's own environment, read
        over the remote registry, never this workstation's. SystemRoot comes from the request's
        systemRootKey, windir is the same, SystemDrive is its drive; other names come from the
        system environment key. Unknown names are left as they are.
    #>
    param(
        [AllowNull()][string]$Text,
        [Parameter(Mandatory=$true)][string]$ComputerName,
        [Parameter(Mandatory=$true)][hashtable]$Environment
    )
    if (-not $Text -or $Text.IndexOf('%') -lt 0) { return $Text }
    $hive = [string]$Environment['hive']
    $cache = @{}
    $lookup = {
        param([string]$name)
        $k = $name.ToLowerInvariant()
        if ($cache.ContainsKey($k)) { return $cache[$k] }
        $v = $null
        if ($k -eq 'systemroot' -or $k -eq 'windir' -or $k -eq 'systemdrive') {
            $r = Get-DssRpcValue -ComputerName $ComputerName -Hive $hive -SubKey ([string]$Environment['systemRootKey']) -Name ([string]$Environment['systemRootValue'])
            if ($r['present'] -and $r['value'] -is [string]) {
                $v = [string]$r['value']
                if ($k -eq 'systemdrive' -and $v.Length -ge 2) { $v = $v.Substring(0, 2) }
            }
        } else {
            $r = Get-DssRpcValue -ComputerName $ComputerName -Hive $hive -SubKey ([string]$Environment['variablesKey']) -Name $name
            if ($r['present'] -and $r['value'] -is [string]) { $v = [string]$r['value'] }
        }
        $cache[$k] = $v
        return $v
    }
    $expandOnce = {
        param([string]$s)
        $sb = New-Object System.Text.StringBuilder
        $pos = 0
        while ($pos -lt $s.Length) {
            $start = $s.IndexOf('%', $pos)
            if ($start -lt 0) { break }
            $end = $s.IndexOf('%', $start + 1)
            if ($end -lt 0) { break }
            [void]$sb.Append($s, $pos, $start - $pos)
            $name = $s.Substring($start + 1, $end - $start - 1)
            $value = $null
            if ($name.Length -gt 0) { $value = & $lookup $name }
            if ($null -eq $value) {
                [void]$sb.Append($s, $start, $end - $start)
                $pos = $end
            } else {
                [void]$sb.Append($value)
                $pos = $end + 1
            }
        }
        if ($pos -lt $s.Length) { [void]$sb.Append($s.Substring($pos)) }
        return $sb.ToString()
    }
    # Twice: a system variable may itself be written with %SystemRoot%.
    return (& $expandOnce (& $expandOnce $Text))
}

function Get-DssValueKindName {
    <#
    .SYNOPSIS
        The registry value kind of a value as the registry provider returns it (string[] is
        REG_MULTI_SZ, string REG_SZ or REG_EXPAND_SZ, byte[] REG_BINARY, int REG_DWORD, long REG_QWORD).
    #>
    param([AllowNull()]$Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [string[]]) { return 'MultiString' }
    if ($Value -is [string]) { return 'String' }
    if ($Value -is [byte[]]) { return 'Binary' }
    if ($Value -is [int]) { return 'DWord' }
    if ($Value -is [long]) { return 'QWord' }
    return 'Unknown'
}

# ---------------------------------------------------------------------------------------------
# Writing one value under the service key, over any transport
# ---------------------------------------------------------------------------------------------

function Get-DssValueWriteCore {
    <#
    .SYNOPSIS
        The core scriptblock that writes one value under the service key, or removes it
        (Set-ResyncValue.ps1, Set-GlobalMaxSeq.ps1, Remove-ResyncValue.ps1). PowerShell 2.0 only;
        runs on the DSS under Remoting.
    .DESCRIPTION
        A missing service key means the service does not exist: ServiceNotFound, nothing written.
        With Remove the value is removed (None when absent). Otherwise, as in Carbon.Registry's
        Set-CRegistryKeyValue: a missing value is created with New-ItemProperty -PropertyType; one
        of the same kind is updated with Set-ItemProperty (which keeps its kind), or left alone when
        it already holds this value (DWord: the same number; MultiString: the same strings in the
        same order, compared ordinally); one of another kind is removed and created again, since
        Set-ItemProperty would keep that kind. With WithPrevious, data also carries previous: what
        the value held (null when it was created).
    #>
    return {
        param([string]$KeyPath, [string]$ValueName, [string]$PropertyType, $Value, [bool]$Remove, [bool]$WithPrevious)
        $ErrorActionPreference = 'Stop'
        if (-not (Test-Path -LiteralPath $KeyPath)) {
            return @{ ok = $false; error = @{ id = 'ServiceNotFound'; category = 'ObjectNotFound'; target = $KeyPath; message = ('The service key ' + $KeyPath + ' does not exist on ' + [Environment]::MachineName + '; nothing was written.') } }
        }
        $done = {
            param([string]$action, $previous)
            $data = @{ action = $action }
            if ($WithPrevious) { $data['previous'] = $previous }
            return @{ ok = $true; data = $data }
        }
        $props = Get-ItemProperty -LiteralPath $KeyPath
        $prop = $null
        if ($null -ne $props) { $prop = $props.PSObject.Properties[$ValueName] }
        if ($Remove) {
            if ($null -eq $prop) { return (& $done 'None' $null) }
            Remove-ItemProperty -LiteralPath $KeyPath -Name $ValueName
            return (& $done 'Removed' $null)
        }
        # Under Remoting the value arrives deserialized (a list, a number): give it its registry type.
        if ($PropertyType -eq 'MultiString') { $Value = [string[]]@($Value) } else { $Value = [int]$Value }
        if ($null -eq $prop) {
            $null = New-ItemProperty -LiteralPath $KeyPath -Name $ValueName -PropertyType $PropertyType -Value $Value
            return (& $done 'Created' $null)
        }
        $old = $prop.Value
        $same = $false
        if ($PropertyType -eq 'MultiString') {
            $sameKind = $old -is [string[]]
            if ($sameKind) {
                $same = $old.Length -eq $Value.Length
                if ($same) { for ($i = 0; $i -lt $Value.Length; $i++) { if (-not [string]::Equals($old[$i], $Value[$i], [StringComparison]::Ordinal)) { $same = $false } } }
            }
        } else {
            $sameKind = $old -is [int]
            if ($sameKind) { $same = [int]$old -eq $Value }
        }
        if ($same) { return (& $done 'None' $old) }
        if ($sameKind) {
            Set-ItemProperty -LiteralPath $KeyPath -Name $ValueName -Value $Value
            return (& $done 'Updated' $old)
        }
        Remove-ItemProperty -LiteralPath $KeyPath -Name $ValueName
        $null = New-ItemProperty -LiteralPath $KeyPath -Name $ValueName -PropertyType $PropertyType -Value $Value
        return (& $done 'Replaced' @([string]$old))
    }
}

function Set-DssServiceValue {
    <#
    .SYNOPSIS
        Writes (or with Remove removes) one value under the request's service key over the
        request's transport; returns @{ ok; data = @{ action = Created|Updated|Replaced|Removed|None
        [; previous] } }.
    .DESCRIPTION
        Local and Remoting run Get-DssValueWriteCore (see there for the rules). Rpc applies the same
        rules through the remote registry, RegistryKey.SetValue with the RegistryValueKind Kind; its
        previous is what the value held, of whatever kind.
    .PARAMETER PropertyType
        The registry provider's property type (New-ItemProperty -PropertyType): DWord or
        MultiString. Not needed with Remove.
    .PARAMETER Kind
        The RegistryValueKind for Rpc (the same names for these two types). Not needed with Remove.
    #>
    param(
        [Parameter(Mandatory=$true)][hashtable]$Request,
        [Parameter(Mandatory=$true)][string]$ValueName,
        [ValidateSet('DWord', 'MultiString')][string]$PropertyType,
        [string]$Kind,
        [AllowNull()]$Value,
        [switch]$Remove,
        [switch]$WithPrevious
    )
    if ([string]$Request['transport'] -ne 'Rpc') {
        return (Invoke-DssCore -Request $Request -Core (Get-DssValueWriteCore) -ArgumentList @(
            (Get-DssRequestField -Request $Request -Name 'key.psPath'), $ValueName, $PropertyType, $Value, [bool]$Remove, [bool]$WithPrevious))
    }
    return (Invoke-DssRpcKey -Request $Request -MustExist -Body {
        param($key)
        $action = 'None'
        $previous = $null
        $present = Test-DssRpcValueName -Key $key -Name $ValueName
        if ($Remove) {
            if ($present) { $key.DeleteValue($ValueName, $false); $action = 'Removed' }
        } else {
            $action = 'Created'
            if ($present) {
                $oldKind = [string]$key.GetValueKind($ValueName)
                $old = $key.GetValue($ValueName, $null, 'DoNotExpandEnvironmentNames')
                $previous = @($old)
                if ($oldKind -ne $Kind) {
                    $key.DeleteValue($ValueName, $false)
                    $action = 'Replaced'
                } else {
                    $action = 'Updated'
                    if ($PropertyType -eq 'MultiString') {
                        $same = ($old -is [string[]]) -and ($old.Length -eq $Value.Length)
                        if ($same) { for ($i = 0; $i -lt $Value.Length; $i++) { if (-not [string]::Equals($old[$i], $Value[$i], [StringComparison]::Ordinal)) { $same = $false } } }
                    } else {
                        $same = [int]$old -eq [int]$Value
                    }
                    if ($same) { $action = 'None' }
                }
            }
            if ($action -ne 'None') { $key.SetValue($ValueName, $Value, [Microsoft.Win32.RegistryValueKind]$Kind) }
        }
        $data = @{ action = $action }
        if ($WithPrevious) { $data['previous'] = $previous }
        return @{ ok = $true; data = $data }
    })
}
