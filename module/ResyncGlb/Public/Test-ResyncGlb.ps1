function Test-ResyncGlb {
    <#
    .SYNOPSIS
    Returns $true only for a complete, non-empty Resync.glb whose hash matches the expected one, when given.

    .DESCRIPTION
    Uses the same inspection as Get-ResyncGlb. A file passes when it exists, is not empty, is not
    known to be incomplete (lab files carry their own completeness check; real files cannot be
    checked beyond length and hash), and - when -Sha256 is given - has exactly that SHA-256.
    Writes $false, never an error, for a missing or failing file, so it fits in if statements.

    .PARAMETER Path
    The file to test. Binds from New-ResyncGlb's Path property.

    .PARAMETER Sha256
    The expected SHA-256. Binds from New-ResyncGlb's Sha256 property.

    .EXAMPLE
    Test-ResyncGlb -Path .\Resync.glb -Sha256 3F2A...

    Returns $true when the file is complete and has that hash.

    .EXAMPLE
    New-ResyncGlb -LabPath .\lab -Requestor PO1 -Force | Test-ResyncGlb

    Checks the file New-ResyncGlb just produced against the hash it reported.

    .OUTPUTS
    System.Boolean

    .LINK
    Get-ResyncGlb

    .LINK
    about_ResyncGlb
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [Alias('FullName')]
        [string] $Path,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [string] $Sha256
    )

    process {
        $resolved = Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $Path
        if (-not [System.IO.File]::Exists($resolved)) {
            Write-Verbose "Test-ResyncGlb: '$resolved' does not exist."
            return $false
        }
        if ($Sha256 -and $Sha256 -notmatch '^[0-9A-Fa-f]{64}$') {
            Write-Verbose "Test-ResyncGlb: '$Sha256' is not a SHA-256 hex string."
            return $false
        }
        # The hash is compared here, so a mismatch is a $false, not an error from the engine.
        $parameters = @{ path = [string[]]@($resolved) }
        $info = $null
        try {
            $info = @(Invoke-ResyncBundle -Cmdlet $PSCmdlet -Command 'inspect' -Parameters $parameters -Collect)
        }
        catch {
            Write-Verbose "Test-ResyncGlb: inspection failed: $($_.Exception.Message)"
            return $false
        }
        if ($info.Count -ne 1) { return $false }
        $file = $info[0]
        if ([long](Get-ResyncProperty $file 'Length' 0) -le 0) { return $false }
        if ((Get-ResyncProperty $file 'Complete') -eq $false) { return $false }
        if ($Sha256 -and [string](Get-ResyncProperty $file 'Sha256' '') -ne $Sha256.ToUpperInvariant()) { return $false }
        $true
    }
}
