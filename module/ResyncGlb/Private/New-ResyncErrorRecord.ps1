function New-ResyncErrorRecord {
    <#
    .SYNOPSIS
    Builds an ErrorRecord with a stable id 'ResyncGlb.<Id>' and the matching ErrorCategory.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory = $true)] [string] $Id,
        [Parameter(Mandatory = $true)] [string] $Message,
        [string] $Category = 'NotSpecified',
        [object] $Target,
        [string[]] $RecommendedAction
    )

    $cat = [System.Management.Automation.ErrorCategory]::NotSpecified
    if ([System.Enum]::GetNames([System.Management.Automation.ErrorCategory]) -contains $Category) {
        $cat = [System.Management.Automation.ErrorCategory]$Category
    }
    switch ($cat) {
        'InvalidArgument' { $exception = [System.ArgumentException]::new($Message) }
        'ObjectNotFound' { $exception = [System.Management.Automation.ItemNotFoundException]::new($Message) }
        'OperationTimeout' { $exception = [System.TimeoutException]::new($Message) }
        'PermissionDenied' { $exception = [System.UnauthorizedAccessException]::new($Message) }
        'InvalidData' { $exception = [System.IO.InvalidDataException]::new($Message) }
        'OperationStopped' { $exception = [System.OperationCanceledException]::new($Message) }
        default { $exception = [System.InvalidOperationException]::new($Message) }
    }
    $record = [System.Management.Automation.ErrorRecord]::new($exception, "ResyncGlb.$Id", $cat, $Target)
    if ($RecommendedAction) {
        $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($Message)
        $record.ErrorDetails.RecommendedAction = ($RecommendedAction -join [Environment]::NewLine)
    }
    $record
}
