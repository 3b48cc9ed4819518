echo "e2e: TODO"
