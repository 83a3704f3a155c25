# Removes one certificate from a store and deletes its persisted private key. Intermediates in CA
# stay, because other certificates may chain through them. A thumbprint that is not in the store
# is not an error: the result says removed = false.
#
# Request: { location, storeName, thumbprint }
# Result:  { ok, removed, keyDeleted, path }
. (Join-Path $PSScriptRoot 'store-common.ps1')

function Remove-StoredCertificate($Request) {
    Assert-RequestField $Request @('location', 'storeName', 'thumbprint')
    $location = Get-StoreLocation $Request.location
    $thumbprint = Assert-Thumbprint $Request.thumbprint
    $path = Get-StoreEntryPath $Request.location $Request.storeName $thumbprint

    $store = Open-ExistingStoreForWrite $Request.storeName $location
    if ($null -eq $store) { return @{ removed = $false; keyDeleted = $false; path = $path } }
    try {
        $certificate = Find-Certificate $store $thumbprint
        if ($null -eq $certificate) { return @{ removed = $false; keyDeleted = $false; path = $path } }
        # The key is opened before the entry goes, because only the entry names the key container.
        $key = Open-PersistedKey $certificate
        $store.Remove($certificate)
    }
    finally { $store.Close() }

    # Deleting the key after the entry means a failure here leaves an unused key file behind,
    # never a certificate whose key is gone.
    $keyDeleted = Remove-PersistedKey $key $thumbprint
    return @{ removed = $true; keyDeleted = $keyDeleted; path = $path }
}

# Opens the store for writing without creating it, or returns $null when it does not exist.
# Windows creates a missing store on a plain ReadWrite open; .NET on Linux and macOS creates the
# store folder only when a certificate is added, so a plain open is enough there.
function Open-ExistingStoreForWrite([string]$StoreName, $Location) {
    if (-not (Test-IsWindows)) { return Open-Store $StoreName $Location 'ReadWrite' }
    try {
        return Open-Store $StoreName $Location 'ReadWrite, OpenExistingOnly'
    }
    catch {
        $fileNotFound = -2147024894
        if ($_.Exception.GetBaseException().HResult -eq $fileNotFound) { return $null }
        throw
    }
}

# Returns the CNG or CAPI key object of the certificate, or $null when the key has no container
# to delete: no private key, or .NET on Linux and macOS, where the key lives inside the store's
# .pfx file that X509Store.Remove deletes.
function Open-PersistedKey($Certificate) {
    if (-not $Certificate.HasPrivateKey) { return $null }
    $rsa = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Certificate)
    if ($rsa -is [System.Security.Cryptography.RSACng]) { return $rsa }
    if ($rsa -is [System.Security.Cryptography.RSACryptoServiceProvider]) { return $rsa }
    if ($null -ne $rsa) { return $null }
    $ecdsa = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($Certificate)
    if ($ecdsa -is [System.Security.Cryptography.ECDsaCng]) { return $ecdsa }
    return $null
}

# A PFX import on Windows gives each key a container with a newly generated name, so deleting
# this container does not take the key of another installed version with it.
# NOTE: Windows only and not executed on this project's Linux CI; only the workflow in
# .github/workflows/windows.yml runs the CNG and CAPI branches.
function Remove-PersistedKey($Key, [string]$Thumbprint) {
    if ($null -eq $Key) { return $false }
    try {
        if ($Key -is [System.Security.Cryptography.RSACryptoServiceProvider]) {
            $Key.PersistKeyInCsp = $false
            $Key.Clear()
        }
        else { $Key.Key.Delete() }
        return $true
    }
    catch {
        $reason = $_.Exception.GetBaseException().Message
        throw (New-StoreFailure $script:ExitCode.Remove "certificate $Thumbprint was removed but its private key could not be deleted: $reason")
    }
}

Invoke-StoreRequest ${function:Remove-StoredCertificate} $script:ExitCode.Remove
