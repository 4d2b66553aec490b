# ---------------------------------------------------------------------------------------------
# Where Dxadata may be
# ---------------------------------------------------------------------------------------------

function Join-DssWindowsPath {
    <#
    .SYNOPSIS
        Joins Windows path parts with a backslash whatever platform this runs on (DSS paths are
        Windows paths even when Pester runs on Linux).
    #>
    param([Parameter(Mandatory=$true)][string]$Parent, [Parameter(Mandatory=$true)][string]$Child)
    return $Parent.TrimEnd('\') + '\' + $Child.TrimStart('\')
}

function Get-DssImageBinary {
    <#
    .SYNOPSIS
        The binary a service's ImagePath names: the path inside its quotes, or, unquoted, the text
        up to and including the first .EXE (what follows are arguments). Environment strings stay
        as they are: they are the DSS's, expanded there.
    .DESCRIPTION
        An opening quote without a closing one is dropped and the rest read as unquoted.
    #>
    param([AllowNull()][AllowEmptyString()][string]$ImagePath)
    $binary = ([string]$ImagePath).Trim()
    if ($binary.StartsWith('"')) {
        $end = $binary.IndexOf('"', 1)
        if ($end -gt 0) { return $binary.Substring(1, $end - 1) }
        $binary = $binary.Substring(1)
    }
    $exe = $binary.ToLowerInvariant().IndexOf('.exe')
    if ($exe -gt 0) { $binary = $binary.Substring(0, $exe + 4) }
    return $binary
}

function Get-DssDxadataCandidates {
    <#
    .SYNOPSIS
        Where Dxadata may be, in the order domain.md gives (Q185504, Q147374, Q143380): an explicit
        path, else DXADataPath, else <Setup\Services>\Dxadata, else the install folder above the BIN
        folder of the service's ImagePath, + \Dxadata.
    .DESCRIPTION
        Returns @{ path; source; authoritative } in order. An explicit path and DXADataPath are
        authoritative: the DXA writes there (Q185504), so when such a folder is missing the search
        stops with DxadataNotFound instead of guessing further.
    #>
    param(
        [AllowNull()][string]$Explicit,
        [AllowNull()][string]$DxaDataPath,
        [AllowNull()][string]$InstallPath,
        [AllowNull()][string]$ImagePath,
        [Parameter(Mandatory=$true)][string]$DxadataFolder,
        [Parameter(Mandatory=$true)][string]$Binary
    )
    $list = New-Object System.Collections.ArrayList
    if ($Explicit) { [void]$list.Add(@{ path = $Explicit; source = 'Explicit'; authoritative = $true }); return ,($list.ToArray()) }
    if ($DxaDataPath -and $DxaDataPath.Trim()) { [void]$list.Add(@{ path = $DxaDataPath.Trim(); source = 'DXADataPath'; authoritative = $true }); return ,($list.ToArray()) }
    if ($InstallPath -and $InstallPath.Trim()) {
        [void]$list.Add(@{ path = (Join-DssWindowsPath -Parent $InstallPath.Trim() -Child $DxadataFolder); source = 'Setup'; authoritative = $false })
    }
    if ($ImagePath -and $ImagePath.Trim()) {
        $image = Get-DssImageBinary -ImagePath $ImagePath
        # ImagePath is <install>\BIN\DXA.EXE (Q143380): the install folder is two levels up, and
        # only when the binary's folder really is the contract's BIN folder.
        $binFolder = $Binary.Split('\')[0]
        $slash = $image.LastIndexOf('\')
        if ($slash -gt 0 -and $image.IndexOf('%') -lt 0) {
            $dir = $image.Substring(0, $slash)
            $slash2 = $dir.LastIndexOf('\')
            if ($slash2 -gt 0 -and [string]::Equals($dir.Substring($slash2 + 1), $binFolder, [StringComparison]::OrdinalIgnoreCase)) {
                [void]$list.Add(@{ path = (Join-DssWindowsPath -Parent $dir.Substring(0, $slash2) -Child $DxadataFolder); source = 'ImagePath'; authoritative = $false })
            }
        }
    }
    return ,($list.ToArray())
}
