#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# ResyncGlb over real PowerShell remoting: a private sshd on 127.0.0.1 (test/ps/SshFixture.psm1,
# a PowerShell SSH subsystem), a PSSession to this same pwsh, a lab DSS with a real DXA process.
# Skipped, with the reason, where sshd/ssh/ssh-keygen/ssh-keyscan is missing; never faked.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'SshFixture.psm1') -Force
    $root = Get-TestRoot
    $manifest = Join-Path $root 'dist/ResyncGlb/ResyncGlb.psd1'
    # The client side needs the module too: its format views are what format deserialized results.
    Import-Module $manifest -Force

    $skipReason = Get-SshFixtureSkipReason
    $fixture = $null
    $session = $null
    $lab = $null
    if ($skipReason) {
        Write-Warning "Remoting tests skipped: $skipReason"
    }
    else {
        $node = $env:RESYNCGLB_NODE
        if (-not $node) { $node = @(Get-Command -Name node -CommandType Application -ErrorAction Stop)[0].Path }
        # sshd gives the subsystem almost no environment: name node for the remote module explicitly.
        $fixture = Start-SshFixture -Environment @{ RESYNCGLB_NODE = $node }
        $session = New-SshFixtureSession -Fixture $fixture
        $lab = New-TestLab -Requestor PO1, PO2 -StartMs 150
    }
}

AfterAll {
    if ($session) { Remove-PSSession -Session $session -ErrorAction SilentlyContinue }
    if ($lab) { Remove-TestLab -Path $lab }
    Stop-SshFixture -Fixture $fixture
}

Describe 'ResyncGlb over SSH remoting (loopback)' -Tag 'Remoting' {
    BeforeEach {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
    }

    It 'the session reaches this pwsh over SSH as the current user, with ResyncGlb importable there' {
        $session.Transport | Should -Be 'SSH'
        $session.State | Should -Be 'Opened'
        $remote = Invoke-Command -Session $session -ErrorAction Stop -ArgumentList $manifest -ScriptBlock {
            param($manifestPath)
            $module = Import-Module $manifestPath -PassThru -ErrorAction Stop
            [pscustomobject]@{ User = [Environment]::UserName; Commands = @($module.ExportedFunctions.Keys | Sort-Object) }
        }
        $remote.User | Should -Be ([Environment]::UserName)
        $remote.Commands | Should -Be @((Get-Module ResyncGlb).ExportedFunctions.Keys | Sort-Object)
    }

    It 'New-ResyncGlb in the session returns a deserialized ResyncGlb.Result that the format view still shows' {
        $r = Invoke-Command -Session $session -ErrorAction Stop -ArgumentList $manifest, $lab -ScriptBlock {
            param($manifestPath, $labPath)
            Import-Module $manifestPath -ErrorAction Stop
            New-ResyncGlb -LabPath $labPath -Requestor PO1 -Force
        }
        @($r).Count | Should -Be 1
        $r.PSComputerName | Should -Be '127.0.0.1'
        $r.PSObject.TypeNames[0] | Should -Be 'Deserialized.ResyncGlb.Result'
        $r.Sha256 | Should -Match '^[0-9A-F]{64}$'
        $r.Sha256 | Should -BeExactly (Get-FileHash -LiteralPath $r.Path -Algorithm SHA256).Hash
        $r.Length | Should -Be (Get-Item -LiteralPath $r.Path).Length
        $r.ValueRemoved | Should -BeTrue
        Get-TestLabValue -Path $lab | Should -BeNullOrEmpty

        # The table view (ResyncGlb.Format.ps1xml) lists Deserialized.ResyncGlb.Result: its labels are
        # the header, and its script column shortens the hash, which default formatting would not.
        $table = $r | Format-Table | Out-String
        $table | Should -Match 'ComputerName\s+Requestor\s+Length\s+Sha256\s+ServiceStatus\s+Duration'
        $table | Should -Match ([regex]::Escape($r.Sha256.Substring(0, 16) + '...'))
        $table | Should -Not -Match $r.Sha256
    }

    It 'a remote failure keeps its ErrorId (ResyncGlb.InvalidRequestor) with -ErrorAction Stop' {
        $before = Get-TestLabSnapshot -Path $lab
        $err = $null
        try {
            Invoke-Command -Session $session -ErrorAction Stop -ArgumentList $manifest, $lab -ScriptBlock {
                param($manifestPath, $labPath)
                Import-Module $manifestPath -ErrorAction Stop
                New-ResyncGlb -LabPath $labPath -Requestor '' -Force
            }
        }
        catch {
            $err = $_
        }
        $err | Should -Not -BeNullOrEmpty -Because 'the remote New-ResyncGlb must fail'
        $err.FullyQualifiedErrorId | Should -BeLike 'ResyncGlb.InvalidRequestor,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-TestLabSnapshot -Path $lab | Should -BeExactly $before -Because 'a refused name changes nothing'
    }

    It 'Copy-ResyncToRequestor -ToSession delivers RESYNC.GLB with a matching hash and keeps the old one' {
        $source = Invoke-Command -Session $session -ErrorAction Stop -ArgumentList $manifest, $lab -ScriptBlock {
            param($manifestPath, $labPath)
            Import-Module $manifestPath -ErrorAction Stop
            New-ResyncGlb -LabPath $labPath -Requestor PO1, PO2 -Force
        }
        $glb = Join-Path $lab 'postoffices/PO2/MAILDATA/GLB'
        Test-Path -LiteralPath $glb -PathType Container | Should -BeTrue
        $old = Join-Path $glb 'RESYNC.GLB'
        [System.IO.File]::WriteAllText($old, 'an earlier RESYNC.GLB that must be kept')
        $oldHash = (Get-FileHash -LiteralPath $old -Algorithm SHA256).Hash

        $result = Copy-ResyncToRequestor -Path $source.Path -Sha256 $source.Sha256 -Destination $glb -ToSession $session -Force -ErrorAction Stop
        @($result).Count | Should -Be 1
        $result.PSObject.TypeNames[0] | Should -Be 'ResyncGlb.CopyResult'
        $result.Status | Should -Be 'Copied'
        $result.Verified | Should -BeTrue
        $result.Error | Should -BeNullOrEmpty
        $result.Sha256 | Should -BeExactly $source.Sha256
        $result.Destination | Should -Be "127.0.0.1:$old"
        (Get-FileHash -LiteralPath $old -Algorithm SHA256).Hash | Should -BeExactly $source.Sha256

        $result.BackupPath | Should -Not -BeNullOrEmpty
        [System.IO.Path]::GetFileName($result.BackupPath) | Should -Match '^RESYNC\.\d{8}T\d{9}Z\.GLB$'
        (Get-FileHash -LiteralPath $result.BackupPath -Algorithm SHA256).Hash | Should -BeExactly $oldHash
        @(Get-ChildItem -LiteralPath $glb -Force -Filter '.RESYNC.GLB.tmp-*').Count | Should -Be 0 -Because 'no temporary copy is left behind'
        (Get-ChildItem -LiteralPath $glb -Force | ForEach-Object Name | Sort-Object) -join '|' | Should -BeExactly ((@('RESYNC.GLB', [System.IO.Path]::GetFileName($result.BackupPath)) | Sort-Object) -join '|') -Because 'the folder holds the new file and the kept one, no temporary copy'
        $result.NextStep | Should -Match 'import admin -p<password> -q -y -d'
        $postoffice = Join-Path $lab 'postoffices/PO2'
        $result.NextStep | Should -Match ('-d' + [regex]::Escape($postoffice) + '\s')
    }

    It 'Copy-ResyncToRequestor -ToSession gives the same ResyncGlb.CopyResult as a local copy to the same folder (<RequestorType>)' -TestCases @(
        @{ RequestorType = 'MSMail'; Folder = 'PO9/MAILDATA/GLB'; Final = 'RESYNC.GLB'; Backup = '^RESYNC\.\d{8}T\d{9}Z\.GLB$' }
        @{ RequestorType = 'Exchange'; Folder = 'exchsrvr/DXADATA'; Final = 'Resync.glb'; Backup = '^Resync\.\d{8}T\d{9}Z\.glb$' }
    ) {
        param($RequestorType, $Folder, $Final, $Backup)
        $dir = Join-Path $TestDrive "parity-$RequestorType/$Folder"
        $null = New-Item -ItemType Directory -Path $dir -Force
        $source = Join-Path $TestDrive "parity-$RequestorType.glb"
        [System.IO.File]::WriteAllText($source, "a Resync.glb for the $RequestorType parity test")
        $sha = (Get-FileHash -LiteralPath $source -Algorithm SHA256).Hash
        $results = foreach ($remote in @($false, $true)) {
            [System.IO.File]::WriteAllText((Join-Path $dir $Final), 'an earlier file that must be kept')
            $copy = @{ Path = $source; Sha256 = $sha; Destination = $dir; RequestorType = $RequestorType; Force = $true; ErrorAction = 'Stop' }
            if ($remote) { $copy.ToSession = $session }
            Copy-ResyncToRequestor @copy
            # Two stamped names in one millisecond would differ only by -2: keep the stamps apart.
            Start-Sleep -Milliseconds 5
        }
        $local, $viaSession = $results
        foreach ($r in $local, $viaSession) {
            $r.PSObject.TypeNames[0] | Should -Be 'ResyncGlb.CopyResult'
            $r.Status | Should -Be 'Copied'
            $r.RequestorType | Should -Be $RequestorType
            [System.IO.Path]::GetFileName($r.BackupPath) | Should -MatchExactly $Backup
            [System.IO.File]::ReadAllText($r.BackupPath) | Should -BeExactly 'an earlier file that must be kept'
        }
        ($viaSession.PSObject.Properties.Name -join ',') | Should -BeExactly ($local.PSObject.Properties.Name -join ',')
        $viaSession.Destination | Should -Be "127.0.0.1:$($local.Destination)"
        [System.IO.Path]::GetFileName($local.Destination) | Should -BeExactly $Final
        foreach ($name in 'Source', 'Length', 'Sha256', 'Verified', 'NextStep', 'Note', 'Error') {
            $viaSession.$name | Should -Be $local.$name -Because "$name is the same whichever way the file went"
        }
        $viaSession.NextStep | Should -Not -BeNullOrEmpty
        $viaSession.Note | Should -Not -BeNullOrEmpty
        @($viaSession.NextStepCommands).Count | Should -BeGreaterThan 0
        (@($viaSession.NextStepCommands) -join "`n") | Should -BeExactly (@($local.NextStepCommands) -join "`n")
        (@($viaSession.NextStepCommands) -join "`n") | Should -BeExactly $viaSession.NextStep
    }

    It 'Copy-ResyncToRequestor -ToSession refuses a source that no longer matches its Sha256 and copies nothing' {
        $glb = Join-Path $lab 'postoffices/PO1/MAILDATA/GLB'
        $source = Join-Path $lab 'changed.glb'
        [System.IO.File]::WriteAllText($source, 'not the file the hash came from')
        $before = (Get-ChildItem -LiteralPath $glb -Force | ForEach-Object Name | Sort-Object) -join '|'
        $errors = $null
        $result = Copy-ResyncToRequestor -Path $source -Sha256 ('0' * 64) -Destination $glb -ToSession $session -Force -ErrorAction SilentlyContinue -ErrorVariable errors
        $result.Status | Should -Be 'Failed'
        $result.Error.Id | Should -Be 'SourceChanged'
        @($errors).Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ResyncGlb.SourceChanged,*'
        (Get-ChildItem -LiteralPath $glb -Force | ForEach-Object Name | Sort-Object) -join '|' | Should -BeExactly $before
    }

    It 'Copy-ResyncToRequestor -ToSession to a full remote folder is DiskFull, leaves no partial copy and keeps the old RESYNC.GLB' {
        # A 64 KB tmpfs as the "remote" GLB folder (needs root and mount, as test/integration/copy-tmpfs.test.ts).
        $full = Join-Path $TestDrive 'full-glb'
        $null = New-Item -ItemType Directory -Path $full -Force
        $mount = Get-Command -Name mount -CommandType Application -ErrorAction SilentlyContinue
        if (-not $mount -or [Environment]::UserName -ne 'root') { Set-ItResult -Skipped -Because 'mounting a small tmpfs needs root and mount' }
        $mountOutput = & mount -t tmpfs -o size=64k tmpfs $full 2>&1
        if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because "mount -t tmpfs failed: $mountOutput" }
        try {
            $old = Join-Path $full 'RESYNC.GLB'
            [System.IO.File]::WriteAllText($old, 'an earlier RESYNC.GLB that must survive')
            $oldHash = (Get-FileHash -LiteralPath $old -Algorithm SHA256).Hash
            $source = Join-Path $TestDrive 'big.glb'
            $bytes = [byte[]]::new(300000)
            [System.Random]::new(42).NextBytes($bytes)
            [System.IO.File]::WriteAllBytes($source, $bytes)

            $errors = $null
            $result = Copy-ResyncToRequestor -Path $source -Destination $full -ToSession $session -Force -ErrorAction SilentlyContinue -ErrorVariable errors
            $result.Status | Should -Be 'Failed'
            $result.Verified | Should -BeFalse
            $result.Error.Id | Should -Be 'DiskFull'
            $resyncErrors = @($errors | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -like 'ResyncGlb.*' })
            $resyncErrors.Count | Should -Be 1
            $resyncErrors[0].FullyQualifiedErrorId | Should -BeLike 'ResyncGlb.DiskFull,*'
            (Get-ChildItem -LiteralPath $full -Force | ForEach-Object Name) -join '|' | Should -BeExactly 'RESYNC.GLB'
            (Get-FileHash -LiteralPath $old -Algorithm SHA256).Hash | Should -BeExactly $oldHash
        }
        finally {
            $null = & umount $full 2>&1
        }
    }

    It 'Copy-Item -FromSession brings a file written by the remote side back byte for byte' {
        $remoteFile = Join-Path $lab 'from-remote.bin'
        $remoteHash = Invoke-Command -Session $session -ErrorAction Stop -ArgumentList $remoteFile -ScriptBlock {
            param($path)
            $bytes = [byte[]]::new(200000)
            [System.Random]::new(1729).NextBytes($bytes)
            [System.IO.File]::WriteAllBytes($path, $bytes)
            (Get-FileHash -LiteralPath $path -Algorithm SHA256).Hash
        }
        $localDir = Join-Path $TestDrive 'from-session'
        $null = New-Item -ItemType Directory -Path $localDir -Force
        Copy-Item -FromSession $session -LiteralPath $remoteFile -Destination $localDir -ErrorAction Stop
        $copy = Join-Path $localDir 'from-remote.bin'
        (Get-Item -LiteralPath $copy).Length | Should -Be 200000
        (Get-FileHash -LiteralPath $copy -Algorithm SHA256).Hash | Should -BeExactly $remoteHash
    }
}
