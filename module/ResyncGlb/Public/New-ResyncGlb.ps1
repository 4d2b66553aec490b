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

    If anything fails - a timeout, a service that will not stop or start, a crash mid-write, an
    unrecognised requestor, Ctrl+C - the value is removed (or the pre-run value restored) and the
    service is returned to the state it had before the run. The error says what was undone; if
    something could not be undone, the error id is ResyncGlb.RollbackIncomplete and its
    RecommendedAction lists exactly what to do by hand.

    The service is never stopped while a Resync.glb is being written (KB Q193395).
    One run per DSS at a time: a second run fails with ResyncGlb.Busy.

    Confirmation: ConfirmImpact is High, so PowerShell asks before changing a DSS unless -Force or
    -Confirm:$false is given. -WhatIf lists every change, in order, and changes nothing.

    .PARAMETER Requestor
    Display name, common name or RDN of each Remote Dirsync Requestor to resynchronize. Names are
    trimmed, matched without regard to case, and may not be empty, contain line breaks or control
    characters, or exceed 256 characters. Accepts pipeline input, also by property name (Name).

    .PARAMETER LabPath
    Folder of a lab DSS made by New-ResyncLab. Selects the lab instead of a Windows DSS.

    .PARAMETER ComputerName
    The Windows DSS to reach. Default: this computer.

    .PARAMETER Transport
    How to reach a Windows DSS: Remoting (WinRM/PowerShell remoting), Rpc (remote registry,
    remote service control and the admin share, for hosts without PowerShell; an NT 4.0/2000/2003
    DSS needs the SMB1 client on this workstation), or Auto (Remoting, then Rpc). Local runs the
    operations on this computer: for the lab and tests only, since no real DSS runs Node.js 20.

    .PARAMETER Credential
    Account for the DSS. Passed to the engine over its standard input only; never on a command
    line, in the environment, in logs or in verbose output.

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

    .PARAMETER Force
    Do not ask for confirmation, and take over a ResyncConnectionRDNs value left by an earlier
    attempt (it is backed up, and restored if this run fails).

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

    Binds each row's Requestor (or Name) column by property name; -Verbose narrates every step.

    .INPUTS
    System.String. Requestor names, by value or by property name (Requestor, Name, LabPath, ComputerName).

    .OUTPUTS
    ResyncGlb.Result. ComputerName, Requestor, Path, Length, Sha256, LastWriteTimeUtc, ValueRemoved,
    ServiceStatus, Duration, BackupPath, DxadataPath, DxadataSource, PreviousFilePath, Warnings, RunId.

    .NOTES
    Error ids: ResyncGlb.ServiceNotFound, ValuePending, InvalidRequestor, DxadataNotFound,
    InsufficientSpace, Busy, ServiceStopTimeout, ServiceStartFailed, RequestorNotRecognised, Timeout,
    IncompleteFile, Cancelled, RollbackIncomplete and others listed in about_ResyncGlb.

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
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('Name', 'RequestorName')]
        [AllowEmptyString()]
        [string[]] $Requestor,

        [Parameter(Mandatory = $true, ParameterSetName = 'Lab', ValueFromPipelineByPropertyName = $true)]
        [string] $LabPath,

        [Parameter(ParameterSetName = 'Computer', ValueFromPipelineByPropertyName = $true)]
        [Alias('CN', 'Server')]
        [string] $ComputerName,

        [Parameter(ParameterSetName = 'Computer')]
        [ValidateSet('Auto', 'Local', 'Remoting', 'Rpc')]
        [string] $Transport = 'Auto',

        [Parameter(ParameterSetName = 'Computer')]
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

        [switch] $Force
    )

    begin {
        $groups = [ordered]@{}
    }

    process {
        # Pipeline input may name different DSSs; group the requestors per target, run each once in end.
        $key = '{0}|{1}' -f $LabPath, $ComputerName
        if (-not $groups.Contains($key)) {
            $groups[$key] = @{ LabPath = $LabPath; ComputerName = $ComputerName; Requestor = [System.Collections.Generic.List[string]]::new() }
        }
        foreach ($name in $Requestor) { $groups[$key].Requestor.Add($name) }
    }

    end {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
        foreach ($group in $groups.Values) {
            $parameters = @{
                requestor         = [string[]]$group.Requestor.ToArray()
                timeoutSec        = $TimeoutSec
                serviceTimeoutSec = $ServiceTimeoutSec
                recognitionSec    = $RecognitionTimeoutSec
                force             = [bool]$Force
                whatIf            = [bool]$WhatIfPreference
            }
            if ($group.LabPath) { $parameters.labPath = Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $group.LabPath }
            else {
                if ($group.ComputerName) { $parameters.computerName = $group.ComputerName }
                $parameters.transport = $Transport
            }
            if ($DxadataPath) { $parameters.dxadataPath = $DxadataPath }
            if ($OutputPath) { $parameters.outputPath = Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $OutputPath }
            elseif (-not $group.LabPath) { $parameters.outputPath = $PSCmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath }
            if ($BackupPath) { $parameters.backupPath = Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $BackupPath }
            if ($LogPath) { $parameters.logPath = Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $LogPath }

            $target = $group.LabPath
            if (-not $target) { $target = $group.ComputerName }
            if (-not $target) { $target = 'this computer' }
            $names = ($group.Requestor | ForEach-Object { "'$_'" }) -join ', '
            $action = "Write ResyncConnectionRDNs ($names), restart the Microsoft Exchange Directory Synchronization service and take Resync.glb"

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
