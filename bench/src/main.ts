console.log('bench: the scenarios are not in place yet');
