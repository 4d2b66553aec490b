function Get-ResyncGlb {
    <#
    .SYNOPSIS
    Inspects Resync.glb files: length, SHA-256, timestamps, and what can honestly be read inside.

    .DESCRIPTION
    For files written by the lab DSS it reads the lab's own header (IMPSEQ, REQSEQ, SRVSEQ) and
    counts the transactions per postoffice, and says whether the file is complete. The layout of a
    real Exchange Resync.glb is not publicly documented (KB Q119449 gives only the header's
    meaning), so for real files it reports length, hash and timestamps only, with a note saying so.

    .PARAMETER Path
    One or more files. Accepts pipeline input by property name (Path, FullName), so the output of
    New-ResyncGlb and Get-ChildItem can be piped in.

    .PARAMETER ExpectedSha256
    When given, HashMatches says whether each file has this SHA-256.

    .EXAMPLE
    Get-ResyncGlb -Path .\lab\output\Resync-LABDSS-20261124T103000000Z.glb

    Shows the file's length, hash, timestamps, sync numbers and transactions per postoffice.

    .EXAMPLE
    Get-ChildItem D:\Resync\*.glb | Get-ResyncGlb | Format-Table Path, Length, Complete

    Inspects every .glb file in a folder.

    .OUTPUTS
    ResyncGlb.FileInfo. Path, Length, Sha256, LastWriteTimeUtc, CreationTimeUtc, Format, Complete,
    ImpSeq, ReqSeq, SrvSeq, Transactions, TransactionsByPostoffice, Note, HashMatches.

    .LINK
    Test-ResyncGlb

    .LINK
    about_ResyncGlb
    #>
    [CmdletBinding()]
    [OutputType('ResyncGlb.FileInfo')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('FullName')]
        [string[]] $Path,

        [ValidatePattern('^[0-9A-Fa-f]{64}$')]
        [string] $ExpectedSha256
    )

    process {
        $files = [System.Collections.Generic.List[string]]::new()
        foreach ($p in $Path) { $files.Add((Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $p)) }
        $parameters = @{ path = [string[]]$files.ToArray() }
        if ($ExpectedSha256) { $parameters.expectedSha256 = $ExpectedSha256.ToUpperInvariant() }
        Invoke-ResyncBundle -Cmdlet $PSCmdlet -Command 'inspect' -Parameters $parameters
    }
}
