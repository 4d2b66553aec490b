function Copy-ResyncToRequestor {
    <#
    .SYNOPSIS
    Delivers Resync.glb to one or many requestor GLB folders, verified and atomic, and says what to run there next.

    .DESCRIPTION
    Reads the source once and writes every destination in parallel (up to -ThrottleLimit). At each
    destination the bytes go to a temporary name, are hashed (SHA-256) while written, checked
    against the source hash, flushed to disk, and only then renamed to RESYNC.GLB. An existing
    RESYNC.GLB is first kept under a timestamped name and is never lost. If the source no longer
    matches the -Sha256 it came with (for example from New-ResyncGlb), nothing is copied.

    One failing destination does not stop the others: each gets its own ResyncGlb.CopyResult, and
    each failure is also written as a non-terminating error (ResyncGlb.DestinationNotFound,
    DestinationNotWritable, DiskFull, HashMismatch, SourceChanged).

    For an MS Mail requestor (the default) each result's NextStep holds the exact commands to run
    at that postoffice (KB Q96060, Q119449): Import with -q and -y, then Rebuild with -f, with the
    postoffice drive or path filled in and a <password> placeholder (the tool never asks for or
    stores that password).

    For an Exchange requestor (-RequestorType Exchange, KB Q156124) the destination is that server's
    Dxadata folder; with -RestartService (lab only through -LabPath) its directory synchronization
    service is restarted and the cmdlet waits until the file has been consumed.

    With -ToSession the file is delivered over PowerShell remoting to the -Destination folders on
    each session's computer, with the same temporary-name, hash check and keep-the-old-file rules
    and the same NextStep, NextStepCommands and Note (Destination is <computer>:<path>).

    .PARAMETER Path
    The Resync.glb to deliver. Binds from New-ResyncGlb's Path property.

    .PARAMETER Sha256
    The SHA-256 the source must still have (uppercase or lowercase hex). Binds from New-ResyncGlb's Sha256.

    .PARAMETER Destination
    The requestor GLB folders (local paths, mapped drives, UNC paths, removable media), or with
    -ToSession folders on the remote computers.

    .PARAMETER ToSession
    PowerShell sessions to deliver through; -Destination then names folders on those computers.

    .PARAMETER ThrottleLimit
    How many destinations are written at once. Default 4.

    .PARAMETER RequestorType
    MSMail (default): a postoffice GLB folder. Exchange: an Exchange requestor's Dxadata folder.

    .PARAMETER RestartService
    For -RequestorType Exchange: restart that server's directory synchronization service and wait
    until it has consumed the file.

    .PARAMETER LabPath
    For -RequestorType Exchange -RestartService against a lab DSS acting as the Exchange requestor.

    .PARAMETER TimeoutSec
    How long to wait for an Exchange requestor to consume the file. Default 600.

    .PARAMETER Force
    Replace an existing RESYNC.GLB without a warning and without asking (the old one is still kept).

    .EXAMPLE
    New-ResyncGlb -LabPath .\lab -Requestor PO1, PO2 -Force |
        Copy-ResyncToRequestor -Destination .\lab\postoffices\PO1\MAILDATA\GLB, .\lab\postoffices\PO2\MAILDATA\GLB

    Generates Resync.glb on the lab DSS and delivers it to both lab postoffices; Path and Sha256 bind
    by property name, so a file changed in between is refused.

    .EXAMPLE
    Copy-ResyncToRequestor -Path D:\Resync\Resync-EXCH01.glb -Destination \\po1\maildata\GLB, M:\GLB -WhatIf

    Shows the writes and renames it would make at both postoffices and writes nothing.

    .EXAMPLE
    $r = Copy-ResyncToRequestor -Path .\Resync.glb -Destination M:\GLB
    $r.NextStep

    Prints the Import and Rebuild commands to run at that postoffice.

    .INPUTS
    ResyncGlb.Result (Path, Sha256) or any object with Path and Sha256 properties.

    .OUTPUTS
    ResyncGlb.CopyResult. Source, Destination, Length, Sha256, Verified, BackupPath, NextStep, NextStepCommands, Note, RequestorType, Status, Error.

    .LINK
    New-ResyncGlb

    .LINK
    about_ResyncGlb
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium', DefaultParameterSetName = 'Folder')]
    [OutputType('ResyncGlb.CopyResult')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [Alias('FullName')]
        [string] $Path,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [ValidatePattern('^[0-9A-Fa-f]{64}$')]
        [string] $Sha256,

        [Parameter(Mandatory = $true, Position = 1)]
        [string[]] $Destination,

        [Parameter(Mandatory = $true, ParameterSetName = 'Session')]
        [System.Management.Automation.Runspaces.PSSession[]] $ToSession,

        [ValidateRange(1, 64)]
        [int] $ThrottleLimit = 4,

        [ValidateSet('MSMail', 'Exchange')]
        [string] $RequestorType = 'MSMail',

        [Parameter(ParameterSetName = 'Folder')]
        [switch] $RestartService,

        [Parameter(ParameterSetName = 'Folder')]
        [string] $LabPath,

        [ValidateRange(1, 86400)]
        [int] $TimeoutSec = 600,

        [switch] $Force
    )

    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
    }

    process {
        $source = Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $Path
        if ($PSCmdlet.ParameterSetName -eq 'Session') {
            foreach ($session in $ToSession) {
                foreach ($folder in $Destination) {
                    if (-not $PSCmdlet.ShouldProcess("$folder on $($session.ComputerName)", 'Copy Resync.glb as RESYNC.GLB (verified, atomic)')) { continue }
                    Copy-ResyncToSession -Cmdlet $PSCmdlet -Source $source -Sha256 $Sha256 -Session $session -Folder $folder -RequestorType $RequestorType
                }
            }
            return
        }

        $folders = [System.Collections.Generic.List[string]]::new()
        foreach ($folder in $Destination) {
            $resolved = Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $folder
            if ($WhatIfPreference -or $PSCmdlet.ShouldProcess($resolved, "Copy $source as RESYNC.GLB (verified, atomic)")) {
                $folders.Add($resolved)
            }
        }
        if ($folders.Count -eq 0) { return }
        $parameters = @{
            path          = $source
            destination   = [string[]]$folders.ToArray()
            throttleLimit = $ThrottleLimit
            requestorType = $RequestorType
            timeoutSec    = $TimeoutSec
            force         = [bool]$Force
            whatIf        = [bool]$WhatIfPreference
        }
        if ($Sha256) { $parameters.sha256 = $Sha256.ToUpperInvariant() }
        if ($RestartService) { $parameters.restartService = $true }
        if ($LabPath) { $parameters.labPath = Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $LabPath }
        Invoke-ResyncBundle -Cmdlet $PSCmdlet -Command 'copy' -Parameters $parameters
    }
}
