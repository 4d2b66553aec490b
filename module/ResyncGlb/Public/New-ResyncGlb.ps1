function New-ResyncGlb {
    <#
    .SYNOPSIS
    Makes an Exchange directory synchronization server (DSS) write Resync.glb for chosen MS Mail requestors, safely.

    .DESCRIPTION
    Automates Microsoft KB Q150976 on an Exchange 4.0-2000 DSS, or on the built-in lab DSS:

      1. Preflight: the MSExchangeDX service exists; every requestor name is valid (all bad names are
         reported at once); no ResyncConnectionRDNs value is already pending (unless -Force); Dxadata is
         found (setup key, DXADataPath, or -DxadataPath) and has room.
      2. Backup: the value's prior state goes to a timestamped .json and .reg file.
      3. An older Resync.glb in Dxadata is moved out first, so it is never mistaken for the new one.
      4. ResyncConnectionRDNs (REG_MULTI_SZ, one requestor per string) is written under
         HKLM\SYSTEM\CurrentControlSet\Services\MSExchangeDX and the service is restarted.
      5. The cmdlet waits, event-driven, until Resync.glb is complete: present, closed, no longer
         growing, and the DXA has removed the value.
      6. The file is moved out of Dxadata to -OutputPath, hashed in the same pass, and returned.
      7. The service is restarted once more, as the Exchange 5.0 release notes ask after each
         generation (KB Q156063, section 3.1.1); -SkipFinalRestart leaves that to you. A failure of
         this restart is ResyncGlb.FinalRestartFailed: the file is kept and returned first.

    One run per configuration group (KB Q156063): requestors whose export settings differ
    (containers, trust level, custom recipients) need separate files. Each pipeline input object,
    or each element of -Group, is one group: the groups run one after another under one lock, each
    gives its own ResyncGlb.Result, and the first failed group stops the rest (the error names the
    groups that completed). Where the DSS shows the requestors' settings (the lab), a group of
    differently configured requestors is refused (ResyncGlb.MixedConfiguration) unless -Force.

    Sequence numbers (KB Q215505): preflight reads GlobalMaxSeqInResync and the DXA's file version
    and warns when the file's numbers would come from the named requestors only while others
    exist; the import can then fail at the postoffice with Fatal error 14. -GlobalMaxSeq sets the
    value to 1 for the run; it is backed up and restored like ResyncConnectionRDNs.

    If anything fails - a timeout, a service that will not stop or start, a crash mid-write, an
    unrecognised requestor, Ctrl+C - the value is removed (or the pre-run value restored) and the
    service is returned to the state it had before the run. The error says what was undone; if
    something could not be undone, the error id is ResyncGlb.RollbackIncomplete and its
    RecommendedAction lists exactly what to do by hand.

    The service is never stopped while a Resync.glb is being written: KB Q193395 reports a DXA
    crashing when stopped while an Exchange requestor processes a Resync.glb, and the tool takes the
    same precaution on the DSS (an inference; see docs/domain.md in the repository).
    One run per DSS at a time: a second run fails with ResyncGlb.Busy.

    Confirmation: ConfirmImpact is High, so PowerShell asks before changing a DSS unless -Force or
    -Confirm:$false is given. -WhatIf lists every change, in order, and changes nothing.

    .PARAMETER Requestor
    Display name, common name or RDN of each Remote Dirsync Requestor to resynchronize. Names are
    trimmed, matched without regard to case, and may not be empty, contain line breaks or control
    characters, or exceed 256 characters. Accepts pipeline input, also by property name (Name):
    each pipeline input object is one configuration group (one run, one result).

    .PARAMETER Group
    Several configuration groups in one call: each element is one group, a name or an array of
    names, e.g. -Group @('Sales, North', 'PO2'), @('PO3'). Not together with -Requestor.

    .PARAMETER SkipFinalRestart
    Do not restart the service once more after generation (KB Q156063). The result's FinalRestart
    is then Skipped and a warning reminds you to restart it before the next dirsync cycle.

    .PARAMETER GlobalMaxSeq
    Set GlobalMaxSeqInResync (REG_DWORD) to 1 for this run, so the file carries the highest
    sequence numbers of all requestors on the DSS (KB Q215505; DXA 5.5.2524, Exchange 5.5 SP3, or
    later). It is backed up and restored afterwards, also when the run fails.

    .PARAMETER KeepGlobalMaxSeq
    With -GlobalMaxSeq: leave GlobalMaxSeqInResync at 1 after the run (a lasting change).

    .PARAMETER LabPath
    Folder of a lab DSS made by New-ResyncLab. Selects the lab instead of a Windows DSS.

    .PARAMETER ComputerName
    The Windows DSS to reach. Default: this computer.

    .PARAMETER Transport
    How to reach a Windows DSS: Remoting (WinRM/PowerShell remoting), Rpc (remote registry,
    remote service control and the admin share, for hosts without PowerShell; an NT 4.0/2000/2003
    DSS needs the SMB1 client on this workstation), or Auto (Remoting, then Rpc). Local runs the
    operations on this computer: for the lab and tests only, since no real DSS (NT 4.0 to 2003) can
    run the engine.

    .PARAMETER Credential
    Account for the DSS, and for the directory check (bound as cn=<account>,cn=<NT domain>). Passed
    to the engine over its standard input only; never on a command line, in the environment, in
    logs or in verbose output.

    .PARAMETER DxadataPath
    The Dxadata folder, overriding DXADataPath and the Exchange setup key.

    .PARAMETER OutputPath
    Folder that receives Resync.glb and the registry backup. Default: the lab's 'output' folder, or
    for a Windows DSS the per-user folder $env:LOCALAPPDATA\ResyncGlb\output (never the current
    location, which is C:\Windows\System32 in an elevated console); the result's Path says where.

    .PARAMETER BackupPath
    Folder for the registry backup. Default: 'backup' under -OutputPath.

    .PARAMETER TimeoutSec
    How long to wait for a complete Resync.glb. Default 600.

    .PARAMETER ServiceTimeoutSec
    How long a service stop or start may take. Default 120.

    .PARAMETER RecognitionTimeoutSec
    With no file and the value still present this long after the service starts, the names count as
    not recognised (ResyncGlb.RequestorNotRecognised). Default 60.

    .PARAMETER LogPath
    Audit log (JSON lines). Default: audit.jsonl in the lab, or %LOCALAPPDATA%\ResyncGlb\audit.jsonl.

    .PARAMETER ValidateWithDirectory
    Before anything changes, check every name against the Remote Dirsync Requestors in the DSS's own
    directory over LDAP (the lab's directory with -LabPath). An unknown name fails the preflight with
    ResyncGlb.RequestorNotFound, naming the closest matches; requestors with different export
    configurations named together get a warning. See Get-ResyncRequestor.

    .PARAMETER DirectoryServer
    Check names against this directory server (host, host:port or ldap(s):// URL) instead of the
    DSS itself. Implies -ValidateWithDirectory.

    .PARAMETER DirectoryExportFile
    Check names against an 'admin /e' raw-mode export of the Connections container (KB Q160971).
    Implies -ValidateWithDirectory.

    .PARAMETER DirectoryAttributeMap
    Overrides the LDAP names assumed for Exchange 5.5 for the check (see Get-ResyncRequestor
    -AttributeMap and docs/DIRECTORY.md).

    .PARAMETER DirectoryLdaps
    LDAPS for the directory check: Auto (default) uses it where port 636 answers, Always requires
    it, Never uses plain LDAP.

    .PARAMETER Force
    Do not ask for confirmation, take over a ResyncConnectionRDNs value left by an earlier attempt
    (it is backed up, and restored if this run fails), and run a group of differently configured
    requestors anyway (ResyncGlb.MixedConfiguration otherwise).

    .EXAMPLE
    New-ResyncLab -Path .\lab -Requestor PO1, PO2 -Confirm:$false
    New-ResyncGlb -LabPath .\lab -Requestor PO1, PO2 -Force

    Creates a lab DSS with two requestors and generates Resync.glb for both without prompting.
    The result shows the file's path, length, SHA-256, that the value is gone and the service runs.

    .EXAMPLE
    New-ResyncGlb -ComputerName EXCH01 -Transport Rpc -Requestor 'Sales Postoffice' -WhatIf

    Lists the backup, registry write, service stop and start and file move it would perform on
    EXCH01 (an NT4/2000 host without PowerShell), and changes nothing.

    .EXAMPLE
    New-ResyncGlb -ComputerName EXCH01 -Credential (Get-Credential) -Requestor SALES -OutputPath D:\Resync |
        Copy-ResyncToRequestor -Destination \\mailpo\MAILDATA\GLB

    Generates Resync.glb over PowerShell remoting and delivers it, verified, to a requestor's GLB folder.

    .EXAMPLE
    Import-Csv .\requestors.csv | New-ResyncGlb -LabPath .\lab -Force -Verbose

    Binds each row's Requestor (or Name) column by property name; each row is one group (one run,
    one result); -Verbose narrates every step.

    .EXAMPLE
    New-ResyncGlb -LabPath .\lab -Group @('PO1', 'PO2'), @('PO3') -GlobalMaxSeq -Force

    Two configuration groups, one after another: two files, two results. GlobalMaxSeqInResync is 1
    while each file is generated and is restored afterwards.

    .EXAMPLE
    Get-ResyncRequestor -ComputerName EXCH01 -Credential $c -GroupByConfiguration |
        New-ResyncGlb -Credential $c -ValidateWithDirectory -Force

    Checks the names against EXCH01's directory first, then runs once per group of identically
    configured requestors.

    .INPUTS
    System.String. Requestor names, by value or by property name (Requestor, Name, LabPath,
    ComputerName). Each input object is one configuration group.

    .OUTPUTS
    ResyncGlb.Result. ComputerName, Requestor, Path, Length, Sha256, LastWriteTimeUtc, ValueRemoved (true: a file is reported only once the DXA itself removed the value),
    ServiceStatus, Duration, BackupPath, DxadataPath, DxadataSource, PreviousFilePath, Warnings, RunId,
    FinalRestart (Restarted, Skipped, StoppedAsBefore, Failed), FinalRestartError, GlobalMaxSeqInResync,
    DxaVersion, Group, GroupCount. One per configuration group.

    .NOTES
    Error ids: ResyncGlb.ServiceNotFound, ValuePending, InvalidRequestor, DxadataNotFound,
    InsufficientSpace, Busy, MixedConfiguration, ServiceStopTimeout, ServiceStartFailed,
    RequestorNotRecognised, Timeout, IncompleteFile, Cancelled, RollbackIncomplete, FinalRestartFailed
    and others listed in about_ResyncGlb.

    .LINK
    about_ResyncGlb

    .LINK
    Copy-ResyncToRequestor

    .LINK
    https://support.microsoft.com/kb/150976
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High', DefaultParameterSetName = 'Computer')]
    [OutputType('ResyncGlb.Result')]
    param(
        [Parameter(Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('Name', 'RequestorName')]
        [AllowEmptyString()]
        [string[]] $Requestor,

        [object[]] $Group,

        [Parameter(Mandatory = $true, ParameterSetName = 'Lab', ValueFromPipelineByPropertyName = $true)]
        [string] $LabPath,

        [Parameter(ParameterSetName = 'Computer', ValueFromPipelineByPropertyName = $true)]
        [Alias('CN', 'Server')]
        [string] $ComputerName,

        [Parameter(ParameterSetName = 'Computer')]
        [ValidateSet('Auto', 'Local', 'Remoting', 'Rpc')]
        [string] $Transport = 'Auto',

        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential = [System.Management.Automation.PSCredential]::Empty,

        [string] $DxadataPath,

        [string] $OutputPath,

        [string] $BackupPath,

        [ValidateRange(1, 86400)]
        [int] $TimeoutSec = 600,

        [ValidateRange(1, 3600)]
        [int] $ServiceTimeoutSec = 120,

        [ValidateRange(1, 86400)]
        [int] $RecognitionTimeoutSec = 60,

        [string] $LogPath,

        [switch] $SkipFinalRestart,

        [switch] $GlobalMaxSeq,

        [switch] $KeepGlobalMaxSeq,

        [switch] $ValidateWithDirectory,

        [string] $DirectoryServer,

        [string] $DirectoryExportFile,

        [hashtable] $DirectoryAttributeMap,

        [ValidateSet('Auto', 'Always', 'Never')]
        [string] $DirectoryLdaps = 'Auto',

        [switch] $Force
    )

    begin {
        # Pipeline input may name different DSSs: one engine call per DSS, in end, with its groups in order.
        $targets = [ordered]@{}
        if ($PSBoundParameters.ContainsKey('Group') -and $PSBoundParameters.ContainsKey('Requestor')) {
            $PSCmdlet.ThrowTerminatingError((New-ResyncErrorRecord -Id 'Usage' -Category 'InvalidArgument' -Message 'Give either -Requestor (one group; one per pipeline object) or -Group (one group per element), not both.' -Target 'Group'))
        }
    }

    process {
        $key = '{0}|{1}' -f $LabPath, $ComputerName
        if (-not $targets.Contains($key)) {
            $targets[$key] = @{ LabPath = $LabPath; ComputerName = $ComputerName; Groups = [System.Collections.Generic.List[object]]::new() }
        }
        if ($PSBoundParameters.ContainsKey('Group') -and $null -ne $Group) {
            # Each element of -Group is one configuration group (Q156063): a name or a list of names.
            foreach ($element in $Group) { $targets[$key].Groups.Add([string[]]@($element | ForEach-Object { [string]$_ })) }
        }
        elseif ($null -ne $Requestor) {
            # Each pipeline input object (or the one direct -Requestor list) is one group.
            $targets[$key].Groups.Add([string[]]$Requestor)
        }
    }

    end {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
        $any = $false
        foreach ($t in $targets.Values) { if ($t.Groups.Count -gt 0) { $any = $true } }
        if (-not $any) {
            $PSCmdlet.ThrowTerminatingError((New-ResyncErrorRecord -Id 'Usage' -Category 'InvalidArgument' -Message 'Name at least one requestor: -Requestor <names>, pipeline input, or -Group @(<names>), @(<names>).' -Target 'Requestor'))
        }
        foreach ($dss in $targets.Values) {
            if ($dss.Groups.Count -eq 0) { continue }
            $parameters = @{
                timeoutSec        = $TimeoutSec
                serviceTimeoutSec = $ServiceTimeoutSec
                recognitionSec    = $RecognitionTimeoutSec
                force             = [bool]$Force
                whatIf            = [bool]$WhatIfPreference
                noFinalRestart    = [bool]$SkipFinalRestart
                globalMaxSeq      = [bool]$GlobalMaxSeq
                keepGlobalMaxSeq  = [bool]$KeepGlobalMaxSeq
            }
            # One group travels as 'requestor' (as it always has), several as 'group', in order.
            if ($dss.Groups.Count -eq 1) { $parameters.requestor = [string[]]$dss.Groups[0] }
            else { $parameters.group = $dss.Groups.ToArray() }
            if ($dss.LabPath) { $parameters.labPath = Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $dss.LabPath }
            else {
                if ($dss.ComputerName) { $parameters.computerName = $dss.ComputerName }
                $parameters.transport = $Transport
            }
            if ($DxadataPath) { $parameters.dxadataPath = $DxadataPath }
            if ($OutputPath) { $parameters.outputPath = Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $OutputPath }
            elseif (-not $dss.LabPath) { $parameters.outputPath = $PSCmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath }
            if ($BackupPath) { $parameters.backupPath = Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $BackupPath }
            if ($LogPath) { $parameters.logPath = Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $LogPath }
            if ($ValidateWithDirectory) { $parameters.validateWithDirectory = $true }
            if ($DirectoryServer) { $parameters.directoryServer = $DirectoryServer }
            if ($DirectoryExportFile) { $parameters.directoryExportFile = Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $DirectoryExportFile }
            if ($DirectoryAttributeMap) { $parameters.directoryAttributeMap = $DirectoryAttributeMap }
            $parameters.directoryLdaps = $DirectoryLdaps

            $target = $dss.LabPath
            if (-not $target) { $target = $dss.ComputerName }
            if (-not $target) { $target = 'this computer' }
            $names = ($dss.Groups | ForEach-Object { '(' + (($_ | ForEach-Object { "'$_'" }) -join ', ') + ')' }) -join ', then '
            $action = "Write ResyncConnectionRDNs $names, restart the Microsoft Exchange Directory Synchronization service and take Resync.glb (one run per group)"

            if ($WhatIfPreference) {
                # The engine runs its read-only preflight and reports each change; ShouldProcess prints them.
                Invoke-ResyncBundle -Cmdlet $PSCmdlet -Command 'new' -Parameters $parameters -Credential $Credential
                continue
            }
            if (-not $PSCmdlet.ShouldProcess($target, $action)) { continue }
            Invoke-ResyncBundle -Cmdlet $PSCmdlet -Command 'new' -Parameters $parameters -Credential $Credential -CancelWaitSec ($ServiceTimeoutSec * 3 + 60)
        }
    }
}
